using System;
using System.Management.Automation;
using System.Security;

namespace StripeIntercom.PowerShell.Internal
{
    /// <summary>The webhook signing secret: the -Secret SecureString, else STRIPE_WEBHOOK_SECRET.</summary>
    internal static class WebhookSecret
    {
        public const string Variable = "STRIPE_WEBHOOK_SECRET";

        public static string Resolve(PSCmdlet cmdlet, SecureString? secret)
        {
            var value = secret.ToPlainText() ?? Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrEmpty(value))
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"No webhook signing secret: pass -Secret or set {Variable}."),
                    "WebhookSecretMissing", ErrorCategory.InvalidArgument, null));
            }

            return value!;
        }
    }
}
