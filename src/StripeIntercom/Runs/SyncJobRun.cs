using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Companies;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>
/// One run of a <see cref="SyncJob"/>: its customers on the runner (submitted one by one or from a source), then, in
/// <see cref="CompleteAsync"/>, the companies they named. The company phase runs only when every customer finished
/// (half a run's customers would make half-summed companies), and a run-stopping error or cancellation in it stops
/// the run as one in the customer phase does.
/// </summary>
public sealed class SyncJobRun : IDisposable
{
    private readonly SyncJob _job;
    private readonly SyncRunReporting _reporting;
    private readonly SyncRunner _runner;
    private readonly CompanyCollector? _collected;
    private readonly CancellationToken _cancellationToken;
    private readonly HashSet<string> _customersWithoutCompany = new HashSet<string>(StringComparer.Ordinal);
    private SyncRunOutcome? _outcome;

    internal SyncJobRun(SyncJob job, SyncRunReporting reporting, bool coversAllCustomers, int throttleLimit,
        CancellationToken cancellationToken)
    {
        _job = job;
        _reporting = reporting ?? SyncRunReporting.None;
        _cancellationToken = cancellationToken;
        _collected = job.Companies?.NewCollector(coversAllCustomers);
        _runner = new SyncRunner(job.Customers.WithCompanies(_collected), throttleLimit, _reporting.CustomerReported,
            cancellationToken)
        {
            StopOnFailure = job.Settings.StopOnFailure,
        };
    }

    /// <summary>Counts of what was reported; complete after <see cref="CompleteAsync"/>.</summary>
    public SyncSummary Summary => _runner.Summary;

    public bool IsStopped => _runner.IsStopped;

    /// <summary>Customers submitted whose results were not reported, in input order.</summary>
    public IReadOnlyList<string> UnfinishedCustomerIds => _runner.UnfinishedCustomerIds;

    /// <summary>
    /// After <see cref="CompleteAsync"/>: the customers whose company was not synced (it failed, or the run stopped
    /// before it), which a state-file run retries.
    /// </summary>
    public IReadOnlyCollection<string> CustomersWithoutCompany => _customersWithoutCompany;

    /// <inheritdoc cref="SyncRunner.SubmitAsync(CustomerProfile)"/>
    public Task<bool> SubmitAsync(CustomerProfile profile) => _runner.SubmitAsync(profile);

    /// <inheritdoc cref="SyncRunner.SubmitAsync(string)"/>
    public Task<bool> SubmitAsync(string customerId) => _runner.SubmitAsync(customerId);

    /// <inheritdoc cref="SyncRunner.SubmitResult"/>
    public void SubmitResult(SyncResult result) => _runner.SubmitResult(result);

    /// <summary>Syncs every profile of the source; never throws for a stop (a failing source stops the run).</summary>
    public Task AddAsync(IAsyncEnumerable<CustomerProfile> profiles) => _runner.RunAsync(profiles);

    /// <summary>Re-reads and syncs every customer id; never throws for a stop.</summary>
    public Task AddAsync(IEnumerable<string> customerIds) => _runner.RunAsync(customerIds);

    /// <summary>
    /// Waits for the customers, runs the company phase, and completes the summary with what the job cost. Never
    /// throws for a stop: the outcome says whether and why the run stopped.
    /// </summary>
    public async Task<SyncRunOutcome> CompleteAsync()
    {
        if (_outcome != null)
        {
            return _outcome;
        }

        await _runner.CompleteAsync().ConfigureAwait(false);
        await SyncCompaniesAsync().ConfigureAwait(false);
        _job.Complete(Summary);
        _outcome = new SyncRunOutcome(Summary, _runner.StopError, _runner.WasCancelled);
        return _outcome;
    }

    private async Task SyncCompaniesAsync()
    {
        if (_collected == null || _job.Companies == null)
        {
            return;
        }

        if (_runner.IsStopped)
        {
            _customersWithoutCompany.UnionWith(_collected.AllCustomerIds());
            return;
        }

        var done = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await _job.Companies.RunAsync(_collected, result =>
            {
                Summary.AddCompany(result);
                (result.Action == CompanySyncAction.Failed ? _customersWithoutCompany : done)
                    .UnionWith(result.ContributingCustomerIds);
                _reporting.CompanyReported?.Invoke(result);
            }, _cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!RunStoppingError.FailsOnlyItsItem(ex, _cancellationToken))
        {
            var error = RunStoppingError.Find(ex);
            _runner.Stop(error);
            Summary.MarkStopped(error != null
                ? $"The run stopped by an error while syncing companies: {error.Message}"
                : "The run stopped on request while syncing companies.", 0);
            // Companies are reported in order and none after the first that did not finish: the rest are not done.
            _customersWithoutCompany.UnionWith(_collected.AllCustomerIds().Where(id => !done.Contains(id)));
        }
    }

    public void Dispose() => _runner.Dispose();
}
