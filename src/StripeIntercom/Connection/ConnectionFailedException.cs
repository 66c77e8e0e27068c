using System;

namespace StripeIntercom.Connection;

/// <summary>A credential or endpoint check failed. The message names the service and never the secret.</summary>
public sealed class ConnectionFailedException : Exception
{
    public ConnectionFailedException(string service, string message, Exception? innerException = null,
        bool credentialsRejected = false)
        : base(message, innerException)
    {
        Service = service;
        CredentialsRejected = credentialsRejected;
    }

    /// <summary>True when a service answered and refused the credential; false when it could not be reached or none was
    /// given.</summary>
    public bool CredentialsRejected { get; }

    /// <summary>"Stripe", "Intercom" or "Stripe and Intercom".</summary>
    public string Service { get; }
}
