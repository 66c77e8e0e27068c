namespace StripeIntercom.Fakes.Stripe;

/// <summary>A dispute on a charge. Like Stripe's, it has no customer field: the customer is on the charge.</summary>
public sealed class FakeDispute
{
    /// <summary>Stripe's dispute reasons.</summary>
    public static readonly IReadOnlySet<string> Reasons = new HashSet<string>(StringComparer.Ordinal)
    {
        "bank_cannot_process", "check_returned", "credit_not_processed", "customer_initiated",
        "debit_not_authorized", "duplicate", "fraudulent", "general", "incorrect_account_details",
        "insufficient_funds", "noncompliant", "product_not_received", "product_unacceptable",
        "subscription_canceled", "unrecognized",
    };

    public string Id { get; set; } = "";
    public string Object => "dispute";
    public long Amount { get; set; }
    public string[] BalanceTransactions => [];
    /// <summary>Charge id; expandable.</summary>
    public string Charge { get; set; } = "";
    public long Created { get; set; }
    public string Currency { get; set; } = "usd";
    public FakeDisputeEvidenceDetails EvidenceDetails { get; set; } = new();
    public bool IsChargeRefundable => false;
    public bool Livemode { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = new();
    public string? PaymentIntent => null;
    public string Reason { get; set; } = "fraudulent";
    /// <summary>needs_response until evidence is submitted (the fake never gets that far).</summary>
    public string Status { get; set; } = "needs_response";
}

public sealed class FakeDisputeEvidenceDetails
{
    public long? DueBy { get; set; }
    public bool HasEvidence => false;
    public bool PastDue => false;
    public long SubmissionCount => 0;
}
