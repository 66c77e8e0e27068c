using System;

namespace StripeIntercom.Stripe;

public sealed class InvoiceSummary
{
    public string Id { get; set; } = "";
    public string? Number { get; set; }
    /// <summary>draft, open, paid, uncollectible or void.</summary>
    public string? Status { get; set; }
    public decimal AmountDue { get; set; }
    public decimal AmountPaid { get; set; }
    public string Currency { get; set; } = "";
    public DateTimeOffset Created { get; set; }
    public long AttemptCount { get; set; }
    public DateTimeOffset? NextPaymentAttempt { get; set; }
    public string? HostedInvoiceUrl { get; set; }
    /// <summary>When the invoice was finalized; automatic collection makes its first payment attempt then.</summary>
    public DateTimeOffset? FinalizedAt { get; set; }
    /// <summary>The subscription the invoice bills (parent.subscription_details.subscription).</summary>
    public string? SubscriptionId { get; set; }

    public override string ToString() => $"{Id} {Status} {AmountDue} {Currency}";
}
