using System.Text.Json.Serialization;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>A Stripe customer as the fake stores it; serialized snake_case it has the shape of API
/// 2026-10-28.</summary>
public sealed class FakeCustomer
{
    public string Id { get; set; } = "";
    public string Object => "customer";
    public object? Address => null;
    public long Balance { get; set; }
    public long Created { get; set; }
    public string? Currency { get; set; }
    /// <summary>A legacy card source id (card_...); expandable.</summary>
    public string? DefaultSource { get; set; }
    public bool Delinquent { get; set; }
    public string? Description { get; set; }
    /// <summary>The customer's own discount, embedded as Stripe does (its coupon is an id under source).</summary>
    public FakeDiscount? Discount { get; set; }
    public string? Email { get; set; }
    public string InvoicePrefix { get; set; } = "";
    public FakeCustomerInvoiceSettings InvoiceSettings { get; set; } = new();
    public bool Livemode { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = new();
    public string? Name { get; set; }
    public long NextInvoiceSequence { get; set; } = 1;
    public string? Phone { get; set; }
    public string[] PreferredLocales { get; set; } = [];
    public object? Shipping => null;
    public string TaxExempt => "none";
    public string? TestClock => null;

    /// <summary>Deleted customers stay in the store so GET by id can answer {"deleted":true}.</summary>
    [JsonIgnore] public bool Deleted { get; set; }
}

public sealed class FakeCustomerInvoiceSettings
{
    public object? CustomFields => null;
    /// <summary>Payment method id; expandable.</summary>
    public string? DefaultPaymentMethod { get; set; }
    public string? Footer => null;
    public object? RenderingOptions => null;
}
