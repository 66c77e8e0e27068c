using System.Collections;
using System.Management.Automation;
using StripeIntercom.Connection;
using StripeIntercom.Runs;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// The base of the four cmdlets that sync (Invoke-StripeIntercomSync, Sync-IntercomContact, Receive-StripeWebhook,
/// Start-StripeWebhookListener): the settings parameters they share are declared here, once, and read into one
/// <see cref="SyncSettings"/> by the library's reader. A cmdlet adds only the parameters that are its own.
/// </summary>
public abstract class SyncingCmdlet : StripeIntercomCmdlet
{
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

    [Parameter]
    public SwitchParameter SyncCompany { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CompanyIdMetadataKey { get; set; }

    /// <summary>
    /// The run's settings: -AttributeMap's file or renames, then this cmdlet's parameters, then -WhatIf and
    /// -ErrorAction; a terminating error naming the source and key when one is wrong.
    /// </summary>
    internal SyncSettings ReadSettingsOrStop()
    {
        var settings = SettingsParameters.ReadOrStop(this, AttributeMap, ComputedAttribute);
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
}
