using System.Globalization;
using System.Text.Json.Serialization;

namespace StripeIntercom.Fakes.Stripe;

public sealed class FakePrice
{
    public string Id { get; set; } = "";
    public string Object => "price";
    public bool Active { get; set; } = true;
    /// <summary>per_unit, or tiered: then <see cref="Tiers"/> price it and unit_amount is null.</summary>
    public string BillingScheme { get; set; } = "per_unit";
    public long Created { get; set; }
    public string Currency { get; set; } = "usd";
    public bool Livemode { get; set; }
    public string? LookupKey => null;
    public Dictionary<string, string> Metadata { get; set; } = new();
    public string? Nickname { get; set; }
    /// <summary>Product id; expandable.</summary>
    public string Product { get; set; } = "";
    public FakePriceRecurring Recurring { get; set; } = new();
    public string TaxBehavior => "unspecified";
    /// <summary>volume or graduated for a tiered price; null otherwise.</summary>
    public string? TiersMode { get; set; }
    /// <summary>Stripe renders "tiers" only when asked for (expand[]=tiers): the expander adds it.</summary>
    [JsonIgnore] public List<FakePriceTier>? Tiers { get; set; }
    public string Type => "recurring";
    /// <summary>Minor units; null for a tiered price or one with a fractional-cent
    /// <see cref="UnitAmountDecimal"/>.</summary>
    public long? UnitAmount { get; set; }
    private string? _unitAmountDecimal;
    public string? UnitAmountDecimal
    {
        get => _unitAmountDecimal ?? UnitAmount?.ToString(CultureInfo.InvariantCulture);
        set => _unitAmountDecimal = value;
    }
}

public sealed class FakePriceRecurring
{
    /// <summary>day, week, month or year.</summary>
    public string Interval { get; set; } = "month";
    public long IntervalCount { get; set; } = 1;
    public string? Meter { get; set; }
    public long? TrialPeriodDays => null;
    /// <summary>licensed (billed by quantity) or metered (billed by reported usage; the item has no
    /// quantity).</summary>
    public string UsageType { get; set; } = "licensed";
}

/// <summary>One tier of a tiered price; amounts in minor units, up_to null for the last ("inf").</summary>
public sealed class FakePriceTier
{
    public long? FlatAmount { get; set; }
    public string? FlatAmountDecimal => FlatAmount?.ToString(CultureInfo.InvariantCulture);
    public long? UnitAmount { get; set; }
    public string? UnitAmountDecimal => UnitAmount?.ToString(CultureInfo.InvariantCulture);
    public long? UpTo { get; set; }
}
