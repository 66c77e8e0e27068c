using System;
using System.Collections;
using System.Management.Automation;
using System.Security;
using StripeIntercom.Companies;
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
[OutputType(typeof(SyncResult), typeof(CompanySyncResult))]
public sealed class ReceiveStripeWebhookCommand : StripeIntercomCmdlet
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

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AttributeNameCompleter))]
    public string[]? Attribute { get; set; }

    [Parameter]
    [ValidateNotNull]
    public object? AttributeMap { get; set; }

    [Parameter]
    [ValidateNotNull]
    public IDictionary? ComputedAttribute { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [ValidateRange(1, 100000)]
    public int? MaxRequestsPerWindow { get; set; }

    [Parameter]
    public DeletedCustomerAction DeletedCustomerAction { get; set; } = DeletedCustomerAction.Mark;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ExternalIdMetadataKey { get; set; }

    [Parameter]
    public SwitchParameter MergeLeads { get; set; }

    // Company sync (issue 10): kept together at the end of the parameters.
    [Parameter]
    public SwitchParameter SyncCompany { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CompanyIdMetadataKey { get; set; }

    protected override void ProcessRecord()
    {
        var connection = ModuleSession.Require(this);
        var verifier = WebhookSecret.CreateVerifierOrStop(this, Secret, ToleranceSeconds);
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

        // One question per delivery, before anything is read or written (-Confirm); -WhatIf keeps its per-contact lines.
        if (!IsWhatIf && !ShouldProcess(
                $"Syncing Stripe customer {delivery.CustomerId} (event {delivery.EventId}, {delivery.Type}) into Intercom {RunMilestones.DescribeWorkspace(connection.Info)}.",
                $"Sync Stripe customer {delivery.CustomerId} (event {delivery.EventId}, {delivery.Type}) into Intercom {RunMilestones.DescribeWorkspace(connection.Info)}?",
                "Confirm"))
        {
            return;
        }

        var map = AttributeMapParameters.BuildOrStop(this, Attribute, AttributeMap, ComputedAttribute);
        var options = SyncParameters.Options(IsWhatIf, Force, ContactLookupMode.PerCustomer, DeletedCustomerAction, ExternalIdMetadataKey, MergeLeads);
        using var session = new SyncSession(this, connection, map, options, SyncParameters.IntercomBudget(MaxRequestsPerWindow), ComputedAttribute is { Count: > 0 });
        var writer = new SyncResultWriter(this, session.Intercom, IsWhatIf, writeResults: true);
        CompanyCollector? companies = null;
        if (SyncParameters.CompanySyncRequested(this, SyncCompany, CompanyIdMetadataKey))
        {
            session.EnableCompanies(AttributeMapParameters.BuildCompanyOrStop(this, map, ComputedAttribute),
                SyncParameters.CompanyOptions(IsWhatIf, Force, CompanyIdMetadataKey, DeletedCustomerAction, 1, ContactLookupMode.PerCustomer));
            companies = session.NewCompanyCollector(coversAllCustomers: false);
        }

        using var runner = new SyncRunner(session.CustomerSync.WithCompanies(companies), 1, writer.Post, CancellationToken);
        Run(async token =>
        {
            await runner.RunAsync(new[] { delivery.CustomerId }).ConfigureAwait(false);
            if (companies is not null)
            {
                await CompanyPhase.RunAfterAsync(runner, session.Companies!, companies, writer.PostCompany, token).ConfigureAwait(false);
            }
        });
        writer.CompleteProgress();
        if (runner.WasCancelled)
        {
            throw new PipelineStoppedException();
        }

        if (runner.StopError is { } error)
        {
            ThrowTerminatingError(RunStopErrors.ToErrorRecord(error));
        }
    }
}
