using System;
using System.Collections.Generic;

namespace StripeIntercom.Stripe;

public sealed class SubscriptionSummary
{
    public string Id { get; set; } = "";
    /// <summary>Stripe status: trialing, active, past_due, unpaid, canceled, incomplete, incomplete_expired,
    /// paused.</summary>
    public string Status { get; set; } = "";
    /// <summary>Human plan name: the price nickname, else the product name, of the item with the largest monthly
    /// amount.</summary>
    public string? PlanName { get; set; }
    /// <summary>
    /// Recurring amount per <see cref="Interval"/> x <see cref="IntervalCount"/> (the first item's) over all items and
    /// quantities, less forever discounts, in major units; items billed on another interval are converted through their
    /// monthly amount. Metered items count nothing.
    /// </summary>
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "";
    public string? Interval { get; set; }
    public long IntervalCount { get; set; } = 1;
    /// <summary>Sum of item quantities.</summary>
    public long Quantity { get; set; }
    /// <summary>Amount normalised to one month: what this subscription adds to MRR while it is active or
    /// past_due.</summary>
    public decimal MonthlyAmount { get; set; }
    public DateTimeOffset Created { get; set; }
    /// <summary>Earliest current period end over the items (the billing period lives on items since API
    /// 2025-03-31).</summary>
    public DateTimeOffset? CurrentPeriodEnd { get; set; }
    public bool CancelAtPeriodEnd { get; set; }
    public DateTimeOffset? CancelAt { get; set; }
    public DateTimeOffset? CanceledAt { get; set; }
    public DateTimeOffset? TrialEnd { get; set; }
    /// <summary>When a canceled subscription ended.</summary>
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>Discounts on the subscription itself, in the order Stripe applies them (items' own are on the
    /// items).</summary>
    public IReadOnlyList<DiscountSummary> Discounts { get; set; } = Array.Empty<DiscountSummary>();
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
    /// <summary>Unit amount in major units; for a tiered price, <see cref="Amount"/> divided by the quantity.</summary>
    public decimal UnitAmount { get; set; }
    /// <summary>What the item costs per interval before discounts, in major units: tiers applied; 0 when
    /// metered.</summary>
    public decimal Amount { get; set; }
    /// <summary>volume or graduated for a tiered price, else null.</summary>
    public string? TiersMode { get; set; }
    /// <summary>Billed on reported usage: no quantity, and left out of MRR as Stripe's Billing analytics
    /// does.</summary>
    public bool Metered { get; set; }
    public IReadOnlyList<DiscountSummary> Discounts { get; set; } = Array.Empty<DiscountSummary>();
    public string Currency { get; set; } = "";
    public string? Interval { get; set; }
    public long IntervalCount { get; set; } = 1;
    /// <summary>0 for a metered item.</summary>
    public long Quantity { get; set; }
    public DateTimeOffset? CurrentPeriodStart { get; set; }
    public DateTimeOffset? CurrentPeriodEnd { get; set; }
}
