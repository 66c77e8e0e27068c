using System;
using System.Collections.Generic;

namespace StripeIntercom.Stripe;

/// <summary>
/// Stripe amounts are integers in the currency's smallest unit. Major units divide by 100, except zero-decimal
/// currencies (jpy, krw, ...: the amount already is in major units) and three-decimal ones (bhd, jod, kwd, omr, tnd:
/// divide by 1000). See https://docs.stripe.com/currencies#zero-decimal.
/// </summary>
public static class StripeMoney
{
    private static readonly HashSet<string> ZeroDecimal = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
    };

    private static readonly HashSet<string> ThreeDecimal = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "bhd", "jod", "kwd", "omr", "tnd",
    };

    public static int DecimalPlaces(string? currency) =>
        currency is null ? 2 : ZeroDecimal.Contains(currency) ? 0 : ThreeDecimal.Contains(currency) ? 3 : 2;

    public static decimal ToMajorUnits(decimal minorUnits, string? currency)
    {
        var places = DecimalPlaces(currency);
        return places == 0 ? minorUnits : minorUnits / (places == 3 ? 1000m : 100m);
    }

    /// <summary>Rounds a computed major-unit amount (e.g. a monthly share of a yearly price) to what the currency can
    /// hold.</summary>
    public static decimal Round(decimal majorUnits, string? currency) =>
        Math.Round(majorUnits, DecimalPlaces(currency), MidpointRounding.AwayFromZero);
}
