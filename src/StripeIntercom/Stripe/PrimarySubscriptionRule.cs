using System;
using System.Collections.Generic;
using System.Linq;

namespace StripeIntercom.Stripe;

/// <summary>
/// Picks the subscription the profile's summary fields (status, plan, period end, latest invoice) describe.
/// </summary>
/// <remarks>
/// <see cref="Rule"/>: the best status first (<see cref="StatusRank"/>: active, past_due, trialing, unpaid, paused,
/// incomplete, then canceled and incomplete_expired), then the highest <see cref="SubscriptionSummary.MonthlyAmount"/>,
/// then the most recently created. A status Stripe adds later ranks with canceled.
/// </remarks>
public static class PrimarySubscriptionRule
{
    public const string Rule =
        "status rank (active > past_due > trialing > unpaid > paused > incomplete > canceled/incomplete_expired), " +
        "then highest monthly amount, then newest";

    private static readonly string[] StatusOrder =
        { "active", "past_due", "trialing", "unpaid", "paused", "incomplete" };

    public static int StatusRank(string? status)
    {
        var index = Array.IndexOf(StatusOrder, status);
        return index < 0 ? StatusOrder.Length : index;
    }

    public static SubscriptionSummary? Pick(IEnumerable<SubscriptionSummary> subscriptions) =>
        subscriptions
            .OrderBy(s => StatusRank(s.Status))
            .ThenByDescending(s => s.MonthlyAmount)
            .ThenByDescending(s => s.Created)
            .FirstOrDefault();
}
