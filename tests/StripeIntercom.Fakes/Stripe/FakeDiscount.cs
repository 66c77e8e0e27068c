namespace StripeIntercom.Fakes.Stripe;

/// <summary>
/// A redeemed coupon on a customer, subscription or subscription item, in the shape of API clover and later: the coupon
/// is an id under source.coupon. Stripe has no endpoint for discounts; they are read through expansion only.
/// </summary>
public sealed class FakeDiscount
{
    public string Id { get; set; } = "";
    public string Object => "discount";
    public string? CheckoutSession => null;
    public string? Customer { get; set; }
    public long? End { get; set; }
    public string? Invoice => null;
    public string? InvoiceItem => null;
    public string? PromotionCode => null;
    public FakeDiscountSource Source { get; set; } = new();
    public long Start { get; set; }
    public string? Subscription { get; set; }
    public string? SubscriptionItem { get; set; }
}

public sealed class FakeDiscountSource
{
    /// <summary>Coupon id; expandable.</summary>
    public string Coupon { get; set; } = "";
    public string Type => "coupon";
}
