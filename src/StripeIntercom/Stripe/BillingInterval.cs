using System;

namespace StripeIntercom.Stripe
{
    /// <summary>
    /// Normalises a recurring amount to one month: month = amount / interval_count; year = amount / 12 / interval_count;
    /// week = amount * 52 / 12 / interval_count; day = amount * 365 / 12 / interval_count.
    /// </summary>
    public static class BillingInterval
    {
        /// <summary>The factor that turns an amount charged every (<paramref name="interval"/> x <paramref name="intervalCount"/>) into a monthly amount.</summary>
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

        public static decimal ToMonthly(decimal amount, string? interval, long intervalCount) => amount * MonthlyFactor(interval, intervalCount);
    }
}
