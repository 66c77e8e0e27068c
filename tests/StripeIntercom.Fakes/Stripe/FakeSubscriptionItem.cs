using System.Text.Json.Serialization;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>A subscription item; the renderer embeds the full price under "price", as Stripe does.</summary>
public sealed class FakeSubscriptionItem
{
    public string Id { get; set; } = "";
    public string Object => "subscription_item";
    public long Created { get; set; }
    public long CurrentPeriodEnd { get; set; }
    public long CurrentPeriodStart { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = new();
    /// <summary>Absent, not null, on a metered item, as Stripe serves it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Quantity { get; set; } = 1;
    /// <summary>Discount ids; expandable (items.data.discounts).</summary>
    public List<string> Discounts { get; set; } = new();
    public string Subscription { get; set; } = "";

    [JsonIgnore] public string PriceId { get; set; } = "";
}
