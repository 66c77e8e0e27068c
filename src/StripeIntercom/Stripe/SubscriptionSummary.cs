using System;
using System.Collections.Generic;

namespace StripeIntercom.Stripe
{
    public sealed class SubscriptionSummary
    {
        public string Id { get; set; } = "";
        /// <summary>Stripe status: trialing, active, past_due, unpaid, canceled, incomplete, incomplete_expired, paused.</summary>
        public string Status { get; set; } = "";
        /// <summary>Human plan name: the price nickname, else the product name, of the item with the largest monthly amount.</summary>
        public string? PlanName { get; set; }
        /// <summary>
        /// Recurring amount per <see cref="Interval"/> x <see cref="IntervalCount"/> (the first item's) over all items and quantities,
        /// in major units; items billed on another interval are converted through their monthly amount.
        /// </summary>
        public decimal Amount { get; set; }
        public string Currency { get; set; } = "";
        public string? Interval { get; set; }
        public long IntervalCount { get; set; } = 1;
        /// <summary>Sum of item quantities.</summary>
        public long Quantity { get; set; }
        /// <summary>Amount normalised to one month.</summary>
        public decimal MonthlyAmount { get; set; }
        public DateTimeOffset Created { get; set; }
        /// <summary>Earliest current period end over the items (the billing period lives on items since API 2025-03-31).</summary>
        public DateTimeOffset? CurrentPeriodEnd { get; set; }
        public bool CancelAtPeriodEnd { get; set; }
        public DateTimeOffset? CancelAt { get; set; }
        public DateTimeOffset? CanceledAt { get; set; }
        public DateTimeOffset? TrialEnd { get; set; }
        public IReadOnlyList<SubscriptionItemSummary> Items { get; set; } = Array.Empty<SubscriptionItemSummary>();
        public InvoiceSummary? LatestInvoice { get; set; }
        public CardSummary? DefaultCard { get; set; }

        public override string ToString() => $"{Id} {Status} {PlanName}";
    }

    public sealed class SubscriptionItemSummary
    {
        public string Id { get; set; } = "";
        public string? PriceId { get; set; }
        public string? ProductId { get; set; }
        public string? ProductName { get; set; }
        public string? PriceNickname { get; set; }
        /// <summary>Unit amount in major units.</summary>
        public decimal UnitAmount { get; set; }
        public string Currency { get; set; } = "";
        public string? Interval { get; set; }
        public long IntervalCount { get; set; } = 1;
        public long Quantity { get; set; }
        public DateTimeOffset? CurrentPeriodStart { get; set; }
        public DateTimeOffset? CurrentPeriodEnd { get; set; }
    }
}
