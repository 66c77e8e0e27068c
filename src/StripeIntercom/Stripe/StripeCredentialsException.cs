using System;

namespace StripeIntercom.Stripe;

/// <summary>Stripe answered 401: the key is wrong, revoked or for another account. Never carries the key, masked or
/// not.</summary>
public sealed class StripeCredentialsException : Exception
{
    public const string DefaultMessage =
        "Stripe rejected the API key (401 Unauthorized). Check that the secret key is current and belongs to the " +
        "intended account and mode (test or live).";

    public StripeCredentialsException() : base(DefaultMessage) { }

    public StripeCredentialsException(string message) : base(message) { }

    public StripeCredentialsException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Stripe's request id, for support; not secret.</summary>
    public string? RequestId { get; set; }
}
