using System;

namespace StripeIntercom.Resilience;

/// <summary>Random extra waits; System.Random is not thread-safe and netstandard2.0 has no Random.Shared.</summary>
internal static class Jitter
{
    private static readonly Random Random = new Random();
    private static readonly object Gate = new object();

    public static TimeSpan UpTo(TimeSpan maximum)
    {
        if (maximum <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        double fraction;
        lock (Gate)
        {
            fraction = Random.NextDouble();
        }

        return TimeSpan.FromTicks((long)(maximum.Ticks * fraction));
    }
}
