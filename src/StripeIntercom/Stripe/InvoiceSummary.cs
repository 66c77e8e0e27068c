using System;

namespace StripeIntercom.Stripe
{
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

        public override string ToString() => $"{Id} {Status} {AmountDue} {Currency}";
    }
}
