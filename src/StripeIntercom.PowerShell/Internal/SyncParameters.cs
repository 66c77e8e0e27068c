using System;
using StripeIntercom.Companies;
using StripeIntercom.Resilience;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>What the syncing cmdlets' shared parameters mean, in one place (each cmdlet declares the ones it takes).</summary>
internal static class SyncParameters
{
    public const int DefaultThrottleLimit = 8;

    public static SyncOptions Options(bool whatIf, bool force, ContactLookupMode lookupMode, DeletedCustomerAction deletedCustomerAction,
        string? externalIdMetadataKey, bool mergeLeads) => new SyncOptions
        {
            WhatIf = whatIf,
            Force = force,
            LookupMode = lookupMode,
            DeletedCustomerAction = deletedCustomerAction,
            ExternalIdMetadataKey = string.IsNullOrWhiteSpace(externalIdMetadataKey) ? null : externalIdMetadataKey!.Trim(),
            MergeLeads = mergeLeads,
        };

    /// <summary>What -SyncCompany's companion parameters mean: companies follow the run's -WhatIf, -Force and deleted-customer action.</summary>
    public static CompanySyncOptions CompanyOptions(bool whatIf, bool force, string? companyIdMetadataKey, DeletedCustomerAction deletedCustomerAction,
        int throttleLimit, ContactLookupMode lookupMode) => new CompanySyncOptions
        {
            WhatIf = whatIf,
            Force = force,
            CompanyIdMetadataKey = companyIdMetadataKey,
            DeletedCustomerAction = deletedCustomerAction,
            ThrottleLimit = throttleLimit,
            LookupMode = lookupMode,
        };

    /// <summary>True for -SyncCompany; -CompanyIdMetadataKey alone is a mistake worth stopping for, not a silent no-op.</summary>
    public static bool CompanySyncRequested(System.Management.Automation.PSCmdlet cmdlet, bool syncCompany, string? companyIdMetadataKey)
    {
        if (!syncCompany && companyIdMetadataKey is not null)
        {
            cmdlet.ThrowTerminatingError(new System.Management.Automation.ErrorRecord(
                new ArgumentException("-CompanyIdMetadataKey names the company of each customer; it needs -SyncCompany to turn company sync on."),
                "CompanyIdMetadataKeyWithoutSyncCompany", System.Management.Automation.ErrorCategory.InvalidArgument, companyIdMetadataKey));
        }

        return syncCompany;
    }

    /// <summary>The run's Intercom budget: the connection's (null), or a tighter one for a workspace shared with other apps.</summary>
    public static RateLimitBudget? IntercomBudget(int? maxRequestsPerWindow) =>
        maxRequestsPerWindow is { } limit ? new RateLimitBudget(limit, TimeSpan.FromSeconds(10)) : null;
}
