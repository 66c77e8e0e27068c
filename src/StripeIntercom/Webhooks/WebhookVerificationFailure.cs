namespace StripeIntercom.Webhooks;

public enum WebhookVerificationFailure
{
    /// <summary>No Stripe-Signature header, or one without a t= timestamp and a v1= signature.</summary>
    MissingSignature,
    /// <summary>No v1 signature matches: wrong signing secret, or a payload changed on the way.</summary>
    BadSignature,
    /// <summary>The signature is right but its timestamp is outside the tolerance (a replay, or a skewed
    /// clock).</summary>
    StaleTimestamp,
    /// <summary>Correctly signed, but not a Stripe event this module can read.</summary>
    MalformedPayload,
}
