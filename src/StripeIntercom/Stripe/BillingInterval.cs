using System;

namespace StripeIntercom.Stripe;

/// <summary>
/// Normalises a recurring amount to one month: month = amount / interval_count; year = amount / 12 / interval_count;
/// week = amount * 52 / 12 / interval_count; day = amount * 365 / 12 / interval_count.
/// </summary>
public static class BillingInterval
{
    /// <summary>The factor that turns an amount charged every (<paramref name="interval"/> x
    /// <paramref name="intervalCount"/>) into a monthly amount.</summary>
    public static decimal MonthlyFactor(string? interval, long intervalCount)
    {
        var count = Math.Max(1, intervalCount);
        switch (interval)
        {
            case "year": return 1m / 12m / count;
            case "week": return 52m / 12m / count;
            case "day": return 365m / 12m / count;
            default: return 1m / count;
        }
    }

    // Divides last: multiplying by a rounded 1/12 would turn 240 a year into 19.999... a month.
    public static decimal ToMonthly(decimal amount, string? interval, long intervalCount)
    {
        var count = Math.Max(1, intervalCount);
        switch (interval)
        {
            case "year": return amount / (12m * count);
            case "week": return amount * 52m / (12m * count);
            case "day": return amount * 365m / (12m * count);
            default: return amount / count;
        }
    }

    /// <summary>The inverse of <see cref="ToMonthly"/>: what a monthly amount comes to per (interval x
    /// count).</summary>
    public static decimal FromMonthly(decimal monthly, string? interval, long intervalCount)
    {
        var count = Math.Max(1, intervalCount);
        switch (interval)
        {
            case "year": return monthly * 12m * count;
            case "week": return monthly * 12m * count / 52m;
            case "day": return monthly * 12m * count / 365m;
            default: return monthly * count;
        }
    }
}
