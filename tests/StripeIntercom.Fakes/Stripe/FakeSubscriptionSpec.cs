namespace StripeIntercom.Fakes.Stripe;

/// <summary>A subscription to build exactly, for tests and the billing showcase: its items, discounts and
/// status.</summary>
public sealed record FakeSubscriptionSpec
{
    public string Status { get; init; } = "active";
    public IReadOnlyList<FakeItemSpec> Items { get; init; } = [];
    /// <summary>Coupon ids redeemed on the subscription, in order.</summary>
    public IReadOnlyList<string> Coupons { get; init; } = [];
    /// <summary>For a canceled subscription: when it ended (also its canceled_at).</summary>
    public long? EndedAt { get; init; }
    public long? CreatedAt { get; init; }
}

/// <param name="Quantity">Null for a metered price, whose items have no quantity.</param>
/// <param name="Coupons">Coupon ids redeemed on this item only.</param>
public sealed record FakeItemSpec(string PriceId, long? Quantity = 1, IReadOnlyList<string>? Coupons = null);
