using System;
using System.Management.Automation;
using System.Security;
using StripeIntercom.Intercom;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Resilience;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;
using StripeIntercom.Webhooks;

namespace StripeIntercom.PowerShell.Commands
{
    /// <summary>
    /// Verifies one Stripe webhook delivery and syncs the customer it concerns, re-read from Stripe so an old or
    /// out-of-order event can never write stale data. For HTTP-triggered functions and runbooks.
    /// </summary>
    [Cmdlet(VerbsCommunications.Receive, "StripeWebhook", SupportsShouldProcess = true)]
    [OutputType(typeof(SyncResult))]
    public sealed class ReceiveStripeWebhookCommand : WebhookCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Body")]
        [ValidateNotNullOrEmpty]
        public string Payload { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("StripeSignature")]
        [ValidateNotNullOrEmpty]
        public string Signature { get; set; } = "";

        protected override void ProcessRecord()
        {
            var connection = ModuleSession.Require(this);
            var verifier = CreateVerifier();
            WebhookDelivery delivery;
            try
            {
                delivery = verifier.Verify(Payload, Signature);
            }
            catch (WebhookVerificationException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "WebhookRejected." + ex.Reason, ErrorCategory.SecurityError, null));
                return;
            }

            if (!delivery.IsRelevant || delivery.CustomerId is null)
            {
                WriteVerbose($"Ignored event {delivery.EventId}: {delivery.Type} does not change what the sync writes.");
                WriteObject(new SyncResult
                {
                    CustomerId = delivery.CustomerId ?? "",
                    Action = SyncAction.Skipped,
                    Error = $"Event type {delivery.Type} is not one the sync follows.",
                });
                return;
            }

            var logger = new CmdletLogger(this);
            var counters = new ResilienceCounters();
            using var stripe = connection.CreateStripeReader(logger, counters);
            using var intercom = connection.CreateIntercomClient(logger, counters, IntercomBudgetOverride);
            using var run = new SyncRun(this, intercom, counters, BuildAttributeMap(), BuildSyncOptions(), 1, writeResults: true);
            CustomerProfile? profile = null;
            Run(async token => profile = await stripe.GetAsync(delivery.CustomerId, token).ConfigureAwait(false));
            if (profile is null)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"Stripe customer '{delivery.CustomerId}' (event {delivery.EventId}) does not exist."),
                    "CustomerNotFound", ErrorCategory.ObjectNotFound, delivery.CustomerId));
                return;
            }

            try
            {
                run.Submit(profile);
                run.Complete(stripe.ApiCalls);
            }
            catch (Exception ex) when (StopsTheRun(ex))
            {
                StopRun(ex);
            }
        }
    }
}
