using System.Text.Json.Serialization;

namespace StripeIntercom.Fakes.Stripe;

public sealed class FakePaymentMethod
{
    public string Id { get; set; } = "";
    public string Object => "payment_method";
    public string AllowRedisplay => "unspecified";
    public FakeBillingDetails BillingDetails { get; set; } = new();
    public FakeCard Card { get; set; } = new();
    public long Created { get; set; }
    public string? Customer { get; set; }
    public bool Livemode { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = new();
    public string Type => "card";
}

public sealed class FakeBillingDetails
{
    public object? Address => null;
    public string? Email { get; set; }
    public string? Name { get; set; }
    public string? Phone => null;
}

public sealed class FakeCard
{
    public string Brand { get; set; } = "visa";
    public string Country { get; set; } = "US";
    public string DisplayBrand => Brand;
    public long ExpMonth { get; set; }
    public long ExpYear { get; set; }
    public string Fingerprint { get; set; } = "";
    public string Funding { get; set; } = "credit";
    // The snake_case policy would not split the digit; Stripe spells it "last4".
    [JsonPropertyName("last4")] public string Last4 { get; set; } = "";
}
