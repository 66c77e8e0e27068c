using System.Management.Automation;
using StripeIntercom.Connection;
using StripeIntercom.Runs;
using StripeIntercom.Sync;

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
            ThrowTerminatingError(RunStopErrors.ToErrorRecord(stopError));
        }
    }
}
