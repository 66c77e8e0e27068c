namespace StripeIntercom.Stripe;

public sealed class CardSummary
{
    public string PaymentMethodId { get; set; } = "";
    public string? Brand { get; set; }
    public string? Last4 { get; set; }
    public long ExpMonth { get; set; }
    public long ExpYear { get; set; }

    /// <summary>Expiry as "MM/YYYY".</summary>
    public string Expiry => $"{ExpMonth:00}/{ExpYear}";

    public override string ToString() => $"{Brand} ****{Last4} {Expiry}";
}
