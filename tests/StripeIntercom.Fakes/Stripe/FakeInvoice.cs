namespace StripeIntercom.Fakes.Stripe;

/// <summary>An invoice in the 2026 shape: no paid/charge/subscription fields; the subscription sits under
/// parent.subscription_details.</summary>
public sealed class FakeInvoice
{
    public string Id { get; set; } = "";
    public string Object => "invoice";
    public long AmountDue { get; set; }
    public long AmountPaid { get; set; }
    public long AmountRemaining { get; set; }
    public long AttemptCount { get; set; }
    public bool Attempted { get; set; }
    public string BillingReason { get; set; } = "subscription_cycle";
    public string CollectionMethod => "charge_automatically";
    public long Created { get; set; }
    public string Currency { get; set; } = "usd";
    public string Customer { get; set; } = "";
    public string? CustomerEmail { get; set; }
    public string? HostedInvoiceUrl { get; set; }
    public bool Livemode { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = new();
    public long? NextPaymentAttempt { get; set; }
    public string? Number { get; set; }
    public FakeInvoiceParent Parent { get; set; } = new();
    public long PeriodEnd { get; set; }
    public long PeriodStart { get; set; }
    /// <summary>draft, open, paid, uncollectible or void.</summary>
    public string Status { get; set; } = "draft";
    public FakeInvoiceStatusTransitions StatusTransitions { get; set; } = new();
    public long Subtotal { get; set; }
    public long Total { get; set; }
}

public sealed class FakeInvoiceParent
{
    public object? QuoteDetails => null;
    public FakeInvoiceSubscriptionDetails? SubscriptionDetails { get; set; }
    public string Type { get; set; } = "subscription_details";
}

public sealed class FakeInvoiceSubscriptionDetails
{
    public Dictionary<string, string> Metadata { get; set; } = new();
    public string Subscription { get; set; } = "";
}

public sealed class FakeInvoiceStatusTransitions
{
    public long? FinalizedAt { get; set; }
    public long? MarkedUncollectibleAt { get; set; }
    public long? PaidAt { get; set; }
    public long? VoidedAt { get; set; }
}
