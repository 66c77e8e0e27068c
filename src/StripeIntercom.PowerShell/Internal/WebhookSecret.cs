using System.Management.Automation;
using System.Security;
using StripeIntercom.Connection;
using StripeIntercom.Webhooks;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>The webhook cmdlets' signing secret: -Secret, else STRIPE_WEBHOOK_SECRET.</summary>
internal static class WebhookSecret
{
    public const string Variable = "STRIPE_WEBHOOK_SECRET";

    public static StripeWebhookVerifier CreateVerifierOrStop(
        PSCmdlet cmdlet, SecureString? secret, int toleranceSeconds)
    {
        var plain = secret.ToPlainText() ?? Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(plain))
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"No webhook signing secret: pass -Secret or set {Variable}."),
                "WebhookSecretMissing", ErrorCategory.InvalidArgument, null));
        }

        return new StripeWebhookVerifier(plain!, TimeSpan.FromSeconds(toleranceSeconds));
    }
}
