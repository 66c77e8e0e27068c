namespace StripeIntercom.Fakes.Stripe;

public sealed class FakeProduct
{
    public string Id { get; set; } = "";
    public string Object => "product";
    public bool Active { get; set; } = true;
    public long Created { get; set; }
    public string? DefaultPrice { get; set; }
    public string? Description { get; set; }
    public string[] Images { get; set; } = [];
    public bool Livemode { get; set; }
    public object[] MarketingFeatures { get; set; } = [];
    public Dictionary<string, string> Metadata { get; set; } = new();
    public string Name { get; set; } = "";
    public string Type => "service";
    public long Updated { get; set; }
    public string? Url => null;
}
