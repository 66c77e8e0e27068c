namespace StripeIntercom.Fakes.Stripe;

public sealed class FakePrice
{
    public string Id { get; set; } = "";
    public string Object => "price";
    public bool Active { get; set; } = true;
    public string BillingScheme => "per_unit";
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
    public string Type => "recurring";
    public long UnitAmount { get; set; }
    public string UnitAmountDecimal => UnitAmount.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class FakePriceRecurring
{
    /// <summary>day, week, month or year.</summary>
    public string Interval { get; set; } = "month";
    public long IntervalCount { get; set; } = 1;
    public string? Meter => null;
    public long? TrialPeriodDays => null;
    public string UsageType => "licensed";
}
