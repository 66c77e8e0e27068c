using System;

namespace StripeIntercom.Connection
{
    /// <summary>A credential or endpoint check failed. The message names the service and never the secret.</summary>
    public sealed class ConnectionFailedException : Exception
    {
        public ConnectionFailedException(string service, string message, Exception? innerException = null)
            : base(message, innerException)
        {
            Service = service;
        }

        /// <summary>"Stripe", "Intercom" or "Stripe and Intercom".</summary>
        public string Service { get; }
    }
}
