using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Bulk;
using StripeIntercom.Companies;
using StripeIntercom.Events;
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
    private readonly Dictionary<string, List<BillingEvent>> _events =
        new Dictionary<string, List<BillingEvent>>(StringComparer.Ordinal);
    private readonly Dictionary<string, SyncResult> _customerResults =
        new Dictionary<string, SyncResult>(StringComparer.Ordinal);
    private readonly List<BillingEvent> _unsentEvents = new List<BillingEvent>();
    private readonly BulkContactWriter? _bulkWrites;
    private SyncRunOutcome? _outcome;

    internal SyncJobRun(SyncJob job, SyncRunReporting reporting, bool coversAllCustomers, int throttleLimit,
        CancellationToken cancellationToken)
    {
        _job = job;
        _reporting = reporting ?? SyncRunReporting.None;
        _cancellationToken = cancellationToken;
        _collected = job.Companies?.NewCollector(coversAllCustomers);
        _runner = new SyncRunner(job.Customers.WithCompanies(_collected), throttleLimit, CustomerReported,
            cancellationToken)
        {
            StopOnFailure = job.Settings.StopOnFailure,
        };
        // Writing in bulk, a customer waits for its batch and its job without making calls: many more are kept in
        // flight, once the writer goes bulk. Only where customers are found in the index (no lookup calls), and not
        // for a run of one customer (a webhook delivery).
        if (job.Contacts.BulkWrites is { } bulk && throttleLimit > 1
            && job.Settings.LookupMode == ContactLookupMode.Bulk)
        {
            _bulkWrites = bulk;
            bulk.WentBulk += WidenForBulk;
            _runner.SubmissionEnded += bulk.FinishSoon;
            if (bulk.IsBulk)
            {
                WidenForBulk();
            }
        }
    }

    private void WidenForBulk() => _runner.Widen(_bulkWrites!.Options.InFlightCustomers);

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

    /// <summary>
    /// After <see cref="CompleteAsync"/>: the billing events that were not sent and may be later (they failed, their
    /// customer's sync failed, or the run stopped first), which a state-file run keeps on its retry list.
    /// </summary>
    public IReadOnlyList<BillingEvent> UnsentEvents => _unsentEvents;

    /// <summary>
    /// Billing events to send after the companies, to the contacts this run's customer syncs find. Add them before
    /// their customers are submitted: each event's customer must be one of the run's.
    /// </summary>
    public void AddEvents(IEnumerable<BillingEvent> events)
    {
        lock (_events)
        {
            foreach (var billingEvent in events)
            {
                var customerId = billingEvent.CustomerId ?? "";
                if (!_events.TryGetValue(customerId, out var list))
                {
                    _events[customerId] = list = new List<BillingEvent>();
                }

                list.Add(billingEvent);
            }
        }
    }

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
        await SendEventsAsync().ConfigureAwait(false);
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

    private void CustomerReported(SyncResult result)
    {
        lock (_events)
        {
            if (_events.ContainsKey(result.CustomerId))
            {
                _customerResults[result.CustomerId] = result;
            }
        }

        _reporting.CustomerReported?.Invoke(result);
    }

    /// <summary>
    /// The events phase: each customer's events in Stripe's order, customers side by side on the one engine. A
    /// run that stopped sends none (they stay unsent, for the next run).
    /// </summary>
    private async Task SendEventsAsync()
    {
        if (_events.Count == 0)
        {
            return;
        }

        if (_runner.IsStopped || _job.Events == null)
        {
            _unsentEvents.AddRange(_events.Values.SelectMany(e => e));
            return;
        }

        var sender = _job.Events;
        using var runner = new OrderedRunner<IReadOnlyList<BillingEventResult>>(_job.Settings.ThrottleLimit,
            results =>
            {
                foreach (var result in results)
                {
                    Summary.AddEvent(result);
                    _reporting.EventReported?.Invoke(result);
                }
            },
            (customerId, error) => Unsent(_events[customerId]).Select(e => new BillingEventResult
            {
                StripeEventId = e.StripeEventId,
                StripeType = e.StripeType,
                EventName = _job.Settings.EventNames.NameOf(e) ?? e.DefaultName,
                CustomerId = customerId,
                CreatedAt = e.Created,
                Action = BillingEventAction.Failed,
                Error = error.Message,
                Exception = error,
            }).ToList(),
            _cancellationToken);
        foreach (var pair in _events)
        {
            _customerResults.TryGetValue(pair.Key, out var customer);
            var events = pair.Value;
            if (!await runner.SubmitAsync(pair.Key, token => SendAsync(sender, events, customer, token))
                    .ConfigureAwait(false))
            {
                break;
            }
        }

        await runner.CompleteAsync().ConfigureAwait(false);
        var unreported = new HashSet<string>(runner.UnfinishedKeys, StringComparer.Ordinal);
        _unsentEvents.AddRange(_events.Where(p => unreported.Contains(p.Key)).SelectMany(p => p.Value));
        if (runner.StopError is { } error)
        {
            _runner.Stop(error);
            Summary.MarkStopped($"The run stopped by an error while sending billing events: {error.Message}",
                0);
        }
    }

    private async Task<IReadOnlyList<BillingEventResult>?> SendAsync(BillingEventSender sender,
        IReadOnlyList<BillingEvent> events, SyncResult? customer, CancellationToken cancellationToken)
    {
        var results = await sender.SendAsync(events, customer, cancellationToken).ConfigureAwait(false);
        var failed = new HashSet<string>(results.Where(r => r.Action == BillingEventAction.Failed)
            .Select(r => r.StripeEventId), StringComparer.Ordinal);
        lock (_unsentEvents)
        {
            _unsentEvents.AddRange(events.Where(e => failed.Contains(e.StripeEventId)));
        }

        return results;
    }

    private IEnumerable<BillingEvent> Unsent(IReadOnlyList<BillingEvent> events)
    {
        lock (_unsentEvents)
        {
            _unsentEvents.AddRange(events);
        }

        return events;
    }

    public void Dispose()
    {
        if (_bulkWrites != null)
        {
            _bulkWrites.WentBulk -= WidenForBulk;
        }

        _runner.Dispose();
    }
}
