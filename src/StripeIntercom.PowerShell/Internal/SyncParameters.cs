using System;
using StripeIntercom.Resilience;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal
{
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

        /// <summary>The run's Intercom budget: the connection's (null), or a tighter one for a workspace shared with other apps.</summary>
        public static RateLimitBudget? IntercomBudget(int? maxRequestsPerWindow) =>
            maxRequestsPerWindow is { } limit ? new RateLimitBudget(limit, TimeSpan.FromSeconds(10)) : null;
    }
}
