using System;
using System.Security;
using StripeIntercom.Webhooks;

namespace StripeIntercom.Connection;

/// <summary>The webhook signing secret: the one given (-Secret), else STRIPE_WEBHOOK_SECRET.</summary>
public static class WebhookSigningSecret
{
    public const string Variable = "STRIPE_WEBHOOK_SECRET";

    public static readonly string MissingMessage = $"No webhook signing secret: pass -Secret or set {Variable}.";

    /// <summary>A verifier for the secret given, else the one in the environment; null when neither is set.</summary>
    public static StripeWebhookVerifier? CreateVerifier(SecureString? secret, TimeSpan tolerance)
    {
        var plain = secret.ToPlainText() ?? Environment.GetEnvironmentVariable(Variable);
        return string.IsNullOrEmpty(plain) ? null : new StripeWebhookVerifier(plain!, tolerance);
    }
}
