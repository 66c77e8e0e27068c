namespace StripeIntercom.Fakes.Stripe;

/// <summary>A coupon: percent_off, or amount_off (minor units) in one currency; duration forever, once or
/// repeating.</summary>
public sealed class FakeCoupon
{
    public string Id { get; set; } = "";
    public string Object => "coupon";
    public long? AmountOff { get; set; }
    public long Created { get; set; }
    public string? Currency { get; set; }
    public string Duration { get; set; } = "forever";
    public long? DurationInMonths { get; set; }
    public bool Livemode { get; set; }
    public long? MaxRedemptions => null;
    public Dictionary<string, string> Metadata { get; set; } = new();
    public string? Name { get; set; }
    public decimal? PercentOff { get; set; }
    public long? RedeemBy => null;
    public long TimesRedeemed { get; set; }
    public bool Valid { get; set; } = true;
}
