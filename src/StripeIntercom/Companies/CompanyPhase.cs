using System;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Runs;
using StripeIntercom.Sync;

namespace StripeIntercom.Companies;

/// <summary>
/// Runs the company phase after a runner's customers, as every caller does it (cmdlets, the incremental job, the
/// benchmark): only when the customer phase finished, counted in the runner's summary, and a run-stopping error or
/// cancellation stops the run once, as in the customer phase.
/// </summary>
public static class CompanyPhase
{
    /// <returns>True when the company phase ran to its end.</returns>
    public static async Task<bool> RunAfterAsync(SyncRunner runner, CompanySynchronizer companies, CompanyCollector collected,
        Action<CompanySyncResult>? onResult, CancellationToken cancellationToken)
    {
        if (runner == null)
        {
            throw new ArgumentNullException(nameof(runner));
        }

        if (companies == null)
        {
            throw new ArgumentNullException(nameof(companies));
        }

        if (runner.IsStopped)
        {
            // Half a run's customers would make half-summed companies: the next run syncs them.
            return false;
        }

        try
        {
            await companies.RunAsync(collected, result =>
            {
                runner.Summary.AddCompany(result);
                onResult?.Invoke(result);
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!RunStoppingError.FailsOnlyItsItem(ex, cancellationToken))
        {
            var error = RunStoppingError.Find(ex);
            runner.Stop(error);
            runner.Summary.MarkStopped(error != null
                ? $"The run stopped by an error while syncing companies: {error.Message}"
                : "The run stopped on request while syncing companies.", 0);
            return false;
        }
    }
}
