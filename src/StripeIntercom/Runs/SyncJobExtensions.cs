using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using StripeIntercom.Companies;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>What the module's cmdlets ask of a job beyond a run: its attributes, logged, and a webhook's
/// sync.</summary>
public static class SyncJobExtensions
{
    /// <summary>Creates the missing data attributes (once a run is confirmed, so a declined run writes nothing),
    /// logging each one created or, under -WhatIf, that would be.</summary>
    public static async Task CreateMissingAttributesAsync(this SyncJob job, ILogger logger,
        CancellationToken cancellationToken)
    {
        foreach (var result in await job.InitializeAttributesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (result.Action == DataAttributeAction.Created || result.Action == DataAttributeAction.WouldCreate)
            {
                logger.LogInformation("Data attribute {Result}", result);
            }
        }
    }

    /// <summary>A webhook delivery's sync: its customer, then its company, whose outcome is logged (a failure is
    /// already in the customer's result).</summary>
    public static Func<string, CancellationToken, Task<SyncResult>> WebhookSync(this SyncJob job, ILogger logger)
    {
        var companies = new SyncRunReporting(null, company =>
        {
            if (company.Action != CompanySyncAction.Failed)
            {
                logger.LogInformation("Company {CompanyId} {Action}", company.CompanyId, company.Action);
            }
        });
        return (customerId, token) => job.SyncCustomerAsync(customerId, companies, token);
    }
}
