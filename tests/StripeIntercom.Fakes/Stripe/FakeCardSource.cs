using System.Text.Json.Serialization;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>A legacy card source (Sources API, card_...), as customer.default_source names it.</summary>
public sealed class FakeCardSource
{
    public string Id { get; set; } = "";
    public string Object => "card";
    public string Brand { get; set; } = "Visa";
    public string Country { get; set; } = "US";
    public string? Customer { get; set; }
    public string? CvcCheck => "pass";
    public long ExpMonth { get; set; }
    public long ExpYear { get; set; }
    public string Fingerprint { get; set; } = "";
    public string Funding { get; set; } = "credit";
    [JsonPropertyName("last4")] public string Last4 { get; set; } = "";
    public Dictionary<string, string> Metadata { get; set; } = new();
    public string? Name { get; set; }
}
