using System.Management.Automation;
using System.Security;
using StripeIntercom.Connection;
using StripeIntercom.Runs;
using StripeIntercom.Sync;
using StripeIntercom.Webhooks;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// The base of the four cmdlets that sync (Invoke-StripeIntercomSync, Sync-IntercomContact, Receive-StripeWebhook,
/// Start-StripeWebhookListener): the settings parameters they share beyond the attribute map's are declared here,
/// once, and read into one <see cref="SyncSettings"/> by the library's reader. A cmdlet adds only the parameters that
/// are its own.
/// </summary>
public abstract class SyncingCmdlet : AttributeMapCmdlet
{
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [ValidateRange(1, 100000)]
    public int? MaxRequestsPerWindow { get; set; }

    [Parameter]
    public DeletedCustomerAction DeletedCustomerAction { get; set; } = DeletedCustomerAction.Mark;

    [Parameter]
    public ContactWriteMode WriteMode { get; set; } = ContactWriteMode.Auto;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ExternalIdMetadataKey { get; set; }

    [Parameter]
    public SwitchParameter MergeLeads { get; set; }

    [Parameter]
    public SwitchParameter SyncCompany { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CompanyIdMetadataKey { get; set; }

    /// <summary>
    /// The run's settings: -AttributeMap's file or renames, then this cmdlet's parameters, then -WhatIf and
    /// -ErrorAction; a terminating error naming the source and key when one is wrong.
    /// </summary>
    internal override SyncSettings ReadSettingsOrStop()
    {
        var settings = base.ReadSettingsOrStop();
        settings.WhatIf = IsWhatIf;
        settings.StopOnFailure = StopsAtFirstError;
        return settings;
    }

    /// <summary>The job over new clients from <paramref name="connection"/>, its log lines on this cmdlet's
    /// streams.</summary>
    internal SyncJob CreateJob(ServiceConnection connection, SyncSettings settings)
    {
        var logger = new CmdletLogger(this);
        IComputedAttributeHost? host = ComputedAttribute is { Count: > 0 } ? Bridge : null;
        return new SyncJob(settings, SyncServices.Open(connection, settings, logger), logger, host);
    }

    /// <summary>Ends a run that is over: a stopped pipeline (Ctrl+C), or the run's one stop error.</summary>
    internal void EndRun(bool cancelled, Exception? stopError)
    {
        if (cancelled)
        {
            throw new PipelineStoppedException();
        }

        if (stopError is not null)
        {
            StopRun(RunStopReason.Of(stopError));
        }
    }

    /// <summary>Ends the cmdlet with the one error a stopped run ends with, by what stopped it.</summary>
    internal void StopRun(RunStopReason reason)
    {
        var category = reason.Kind switch
        {
            RunStopKind.CredentialsRejected => ErrorCategory.AuthenticationError,
            RunStopKind.ServiceUnavailable => ErrorCategory.ResourceUnavailable,
            _ => ErrorCategory.NotSpecified,
        };
        ThrowTerminatingError(new ErrorRecord(
            new InvalidOperationException(reason.Message, reason.Cause), reason.ErrorId, category, reason.Target)
        {
            ErrorDetails = reason.Kind == RunStopKind.CustomerFailed ? new ErrorDetails(reason.Message) : null,
        });
    }

    /// <summary>The webhook cmdlets' verifier (-Secret, else STRIPE_WEBHOOK_SECRET); a terminating error when
    /// neither is set.</summary>
    internal StripeWebhookVerifier CreateVerifierOrStop(SecureString? secret, int toleranceSeconds)
    {
        var verifier = WebhookSigningSecret.CreateVerifier(secret, TimeSpan.FromSeconds(toleranceSeconds));
        if (verifier is null)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(WebhookSigningSecret.MissingMessage),
                "WebhookSecretMissing", ErrorCategory.InvalidArgument, null));
        }

        return verifier!;
    }
}
