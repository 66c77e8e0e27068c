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
    public long Quantity { get; set; } = 1;
    public string Subscription { get; set; } = "";

    [JsonIgnore] public string PriceId { get; set; } = "";
}
