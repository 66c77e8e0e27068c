using System;
using System.Globalization;

namespace StripeIntercom.Resilience;

internal static class Format
{
    /// <summary>"250 ms", "1.2 s", "5 min": readable in a log line at any scale the options allow.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return ((int)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + " ms";
        }

        if (duration < TimeSpan.FromMinutes(2))
        {
            return duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
        }

        return duration.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min";
    }
}
