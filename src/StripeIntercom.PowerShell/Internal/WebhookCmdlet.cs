using System;
using System.Management.Automation;
using System.Security;
using StripeIntercom.Webhooks;

namespace StripeIntercom.PowerShell.Internal
{
    /// <summary>The webhook cmdlets' signing secret (-Secret or STRIPE_WEBHOOK_SECRET) and timestamp tolerance.</summary>
    public abstract class WebhookCmdlet : SyncCmdlet
    {
        public const string SecretVariable = "STRIPE_WEBHOOK_SECRET";

        [Parameter]
        public SecureString? Secret { get; set; }

        [Parameter]
        [ValidateRange(1, 3600)]
        public int ToleranceSeconds { get; set; } = 300;

        protected StripeWebhookVerifier CreateVerifier()
        {
            var secret = Secret.ToPlainText() ?? Environment.GetEnvironmentVariable(SecretVariable);
            if (string.IsNullOrEmpty(secret))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"No webhook signing secret: pass -Secret or set {SecretVariable}."),
                    "WebhookSecretMissing", ErrorCategory.InvalidArgument, null));
            }

            return new StripeWebhookVerifier(secret!, TimeSpan.FromSeconds(ToleranceSeconds));
        }
    }
}
