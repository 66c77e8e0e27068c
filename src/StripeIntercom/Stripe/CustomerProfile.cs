using System;
using System.Collections.Generic;
using System.Linq;

namespace StripeIntercom.Stripe;

/// <summary>
/// Everything a support agent needs to know about one Stripe customer, read in bulk and computed once.
/// Money is in major units (12.34, not 1234) of <see cref="Currency"/>.
/// </summary>
public sealed class CustomerProfile
{
    public string Id { get; set; } = "";

    /// <summary>
    /// True for a profile this library read from Stripe. One built by hand (a hashtable cast, Select-Object output)
    /// is not trusted to be whole: a sync re-reads its customer instead of writing its empty fields.
    /// </summary>
    public bool IsFromStripe { get; internal set; }
    public string? Email { get; set; }
    public string? Name { get; set; }

    /// <summary>The customer's free-text description in Stripe (not mapped by default; use a computed
    /// attribute).</summary>
    public string? Description { get; set; }
    public DateTimeOffset Created { get; set; }
    public bool Livemode { get; set; }
    public bool Deleted { get; set; }

    /// <summary>Customer balance in major units: positive is owed by the customer, negative is credit.</summary>
    public decimal Balance { get; set; }
    public string? Currency { get; set; }
    public bool Delinquent { get; set; }

    public IReadOnlyList<SubscriptionSummary> Subscriptions { get; set; } = Array.Empty<SubscriptionSummary>();

    /// <summary>The subscription the summary fields describe; see <c>PrimarySubscriptionRule</c>.</summary>
    public SubscriptionSummary? PrimarySubscription { get; set; }

    /// <summary>Monthly recurring revenue over active and past_due subscriptions, in
    /// <see cref="MrrCurrency"/>.</summary>
    public decimal Mrr { get; set; }
    public string? MrrCurrency { get; set; }

    public InvoiceSummary? LatestInvoice { get; set; }

    /// <summary>True when the latest invoice is open and unpaid after at least one failed attempt.</summary>
    public bool PaymentFailing { get; set; }
    public DateTimeOffset? PaymentFailingSince { get; set; }

    /// <summary>The payment method card, else the customer's default card source; see
    /// <c>CustomerProfileMapper.DefaultCard</c>.</summary>
    public CardSummary? DefaultCard { get; set; }
    /// <summary>The customer's own discount (customer.discount), which Stripe applies where a subscription has
    /// none.</summary>
    public DiscountSummary? CustomerDiscount { get; set; }
    /// <summary>Discounts in force on the primary subscription, else the customer's; empty when none.</summary>
    public IReadOnlyList<DiscountSummary> Discounts { get; set; } = Array.Empty<DiscountSummary>();
    public string DashboardUrl { get; set; } = "";

    public IReadOnlyDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>();

    /// <summary>Status of the primary subscription (canceled for a churned customer), or "none" for one who never
    /// subscribed.</summary>
    public string SubscriptionStatus => PrimarySubscription?.Status ?? "none";
    public string? Plan => PrimarySubscription?.PlanName;
    public DateTimeOffset? CurrentPeriodEnd => PrimarySubscription?.CurrentPeriodEnd;
    /// <summary>For a churned customer (no live subscription, a canceled one): when the last subscription
    /// ended.</summary>
    public DateTimeOffset? CanceledAt =>
        PrimarySubscription is { Status: "canceled" } last ? last.EndedAt ?? last.CanceledAt : null;
    /// <summary>The <see cref="Discounts"/> as an agent reads them ("50% off forever; 10.00 USD off once"); null when
    /// none.</summary>
    public string? DiscountDescription =>
        Discounts.Count == 0 ? null : string.Join("; ", Discounts.Select(d => d.Description));

    public override string ToString() => Id;
}
