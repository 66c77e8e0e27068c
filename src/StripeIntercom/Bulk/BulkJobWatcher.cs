using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Intercom;
using StripeIntercom.Resilience;

namespace StripeIntercom.Bulk;

/// <summary>
/// Polls a bulk job (of contacts or of companies: the read it is given) until it finishes, backing off from
/// <see cref="BulkWriteOptions.FirstPoll"/> to <see cref="BulkWriteOptions.MaxPollInterval"/>; every poll is an
/// ordinary call, inside the run's rate budget. A job still unfinished after
/// <see cref="BulkWriteOptions.StallTimeout"/> is an outage: the run stops with one error and its unfinished
/// customers (or companies) are left for the next run.
/// </summary>
internal sealed class BulkJobWatcher
{
    private readonly BulkWriteOptions _options;
    private readonly Func<string, CancellationToken, Task<IntercomBulkJob>> _read;

    /// <param name="read">
    /// Reads a job by its id: <see cref="IntercomClient.GetContactsBulkJobAsync"/> or
    /// <see cref="IntercomClient.GetCompaniesBulkJobAsync"/>, as the job's family.
    /// </param>
    public BulkJobWatcher(BulkWriteOptions options, Func<string, CancellationToken, Task<IntercomBulkJob>> read)
    {
        _options = options;
        _read = read;
    }

    /// <param name="what">What the job does, for the stop error ("create of 100 contacts").</param>
    /// <returns>Completed or CompletedWithErrors.</returns>
    /// <exception cref="ServiceUnavailableException">The job did not finish in time.</exception>
    public async Task<IntercomBulkJobState> WaitAsync(IntercomBulkJob job, string what,
        CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var delay = _options.FirstPoll;
        var polls = 0;
        var current = job;
        while (!current.IsFinished)
        {
            if (waited.Elapsed + delay > _options.StallTimeout)
            {
                throw new ServiceUnavailableException("Intercom",
                    $"bulk job {job.Id} ({what}) still {Describe(current.State)} after "
                    + $"{waited.Elapsed.TotalSeconds:0} s", polls, null, null);
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            polls++;
            current = await _read(job.Id, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxPollInterval.Ticks));
        }

        return current.State;
    }

    private static string Describe(IntercomBulkJobState state) =>
        state == IntercomBulkJobState.Pending ? "pending" : "running";
}
