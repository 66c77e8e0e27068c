using System;

namespace StripeIntercom.Stripe;

/// <summary>Stripe.net hands out UTC <see cref="DateTime"/>s (from Unix seconds); profiles carry
/// <see cref="DateTimeOffset"/>.</summary>
internal static class StripeTime
{
    public static readonly DateTime UnixEpoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static DateTimeOffset At(DateTime value) =>
        new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    /// <summary>Null and Unix 0 (Stripe.net's reading of a missing timestamp) both mean "none".</summary>
    public static DateTimeOffset? At(DateTime? value) =>
        value is null || value.Value <= UnixEpoch ? (DateTimeOffset?)null : At(value.Value);
}
