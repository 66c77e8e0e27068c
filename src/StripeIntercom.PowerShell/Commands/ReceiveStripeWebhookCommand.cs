using System.Management.Automation;
using System.Security;
using StripeIntercom.Companies;
using StripeIntercom.Events;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Runs;
using StripeIntercom.Sync;
using StripeIntercom.Webhooks;

namespace StripeIntercom.PowerShell.Commands;

/// <summary>
/// Verifies one Stripe webhook delivery and syncs the customer it concerns, re-read from Stripe so an old or
/// out-of-order event can never write stale data. For HTTP-triggered functions and runbooks.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "StripeWebhook", SupportsShouldProcess = true)]
[OutputType(typeof(SyncResult), typeof(CompanySyncResult), typeof(BillingEventResult))]
public sealed class ReceiveStripeWebhookCommand : EventSyncingCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Body")]
    [ValidateNotNullOrEmpty]
    public string Payload { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("StripeSignature")]
    [ValidateNotNullOrEmpty]
    public string Signature { get; set; } = "";

    [Parameter]
    public SecureString? Secret { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int ToleranceSeconds { get; set; } = 300;

    protected override void ProcessRecord()
    {
        var connection = ModuleSession.Require(this);
        var verifier = CreateVerifierOrStop(Secret, ToleranceSeconds);
        WebhookDelivery delivery;
        try
        {
            delivery = verifier.Verify(Payload, Signature);
        }
        catch (WebhookVerificationException ex)
        {
            ThrowTerminatingError(
                new ErrorRecord(ex, "WebhookRejected." + ex.Reason, ErrorCategory.SecurityError, null));
            return;
        }

        var settings = ReadSettingsOrStop();
        settings.LookupMode = ContactLookupMode.PerCustomer;
        using var job = CreateJob(connection, settings);
        var billingEvent = settings.SyncEvents && delivery.StripeEvent is { } stripeEvent
            ? Run(token => job.EventReader.ReadAsync(stripeEvent, token))
            : null;
        var customerId = delivery.CustomerId ?? billingEvent?.CustomerId;
        if (customerId is null || !(delivery.IsRelevant || billingEvent != null))
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

        // One question per delivery, before anything is read or written (-Confirm); -WhatIf keeps its per-contact
        // lines.
        var workspace = RunMilestones.DescribeWorkspace(connection.Info);
        if (!IsWhatIf && !Confirm(question => RunQuestions.WebhookDelivery(
                customerId, delivery.EventId, delivery.Type, workspace, question)))
        {
            return;
        }

        var writer = new SyncResultWriter(this, job.Services.Intercom, IsWhatIf, writeResults: true);
        var outcome = Run(token => job.RunAsync(new[] { customerId }, writer.Reporting, token, throttleLimit: 1,
            billingEvents: billingEvent is null ? null : new[] { billingEvent }));
        writer.CompleteProgress();
        EndRun(outcome.Cancelled, outcome.StopError);
    }
}
