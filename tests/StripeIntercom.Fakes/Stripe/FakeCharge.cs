namespace StripeIntercom.Fakes.Stripe;

/// <summary>
/// A succeeded card charge in the 2026 shape: no invoice field (gone since API 2025-03-31), and no "refunds" list,
/// which Stripe includes only on expand[]=refunds. Created on demand by refunds and disputes.
/// </summary>
public sealed class FakeCharge
{
    public string Id { get; set; } = "";
    public string Object => "charge";
    public long Amount { get; set; }
    public long AmountCaptured { get; set; }
    public long AmountRefunded { get; set; }
    public string? BalanceTransaction => null;
    public FakeBillingDetails BillingDetails { get; set; } = new();
    public bool Captured => true;
    public long Created { get; set; }
    public string Currency { get; set; } = "usd";
    /// <summary>Customer id; expandable.</summary>
    public string? Customer { get; set; }
    public string? Description { get; set; }
    public bool Disputed { get; set; }
    public string? FailureCode => null;
    public string? FailureMessage => null;
    public bool Livemode { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = new();
    public bool Paid => true;
    public string? PaymentIntent => null;
    /// <summary>Payment method id; expandable.</summary>
    public string? PaymentMethod { get; set; }
    public string? ReceiptEmail { get; set; }
    public string? ReceiptNumber => null;
    public string? ReceiptUrl { get; set; }
    public bool Refunded { get; set; }
    public string? StatementDescriptor => null;
    public string Status => "succeeded";
}
