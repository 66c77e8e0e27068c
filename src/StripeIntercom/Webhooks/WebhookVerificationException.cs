using System;

namespace StripeIntercom.Webhooks;

/// <summary>
/// A delivery that must not be acted on. The message is safe to log and to return to the sender:
/// it never holds the signing secret or the signature.
/// </summary>
public sealed class WebhookVerificationException : Exception
{
    public WebhookVerificationException(WebhookVerificationFailure reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public WebhookVerificationFailure Reason { get; }
}
