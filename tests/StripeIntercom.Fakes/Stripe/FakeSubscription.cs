using System.Text.Json.Serialization;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>
/// A Stripe subscription. Since API 2025-03-31 the billing period lives on the items, and there is no plan:
/// the renderer embeds the items list (with prices) under "items".
/// </summary>
public sealed class FakeSubscription
{
    public string Id { get; set; } = "";
    public string Object => "subscription";
    public long BillingCycleAnchor { get; set; }
    public long? CancelAt { get; set; }
    public bool CancelAtPeriodEnd { get; set; }
    public long? CanceledAt { get; set; }
    public string CollectionMethod => "charge_automatically";
    public long Created { get; set; }
    public string Currency { get; set; } = "usd";
    public string Customer { get; set; } = "";
    /// <summary>Payment method id; expandable.</summary>
    public string? DefaultPaymentMethod { get; set; }
    public string? Description => null;
    /// <summary>Discount ids; expandable (discounts).</summary>
    public List<string> Discounts { get; set; } = new();
    public long? EndedAt { get; set; }
    /// <summary>Invoice id; expandable.</summary>
    public string? LatestInvoice { get; set; }
    public bool Livemode { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = new();
    public object? PauseCollection => null;
    public long StartDate { get; set; }
    public string Status { get; set; } = "active";
    public long? TrialEnd { get; set; }
    public long? TrialStart { get; set; }

    [JsonIgnore] public List<FakeSubscriptionItem> Items { get; set; } = new();
}
