using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>
/// Runs many customer syncs at once and reports their results in input order: the customer runs of every cmdlet, the
/// benchmark and the fault tests, over the library's one concurrency engine (<see cref="OrderedRunner{TResult}"/>).
/// <para>
/// A slow customer holds back the reports of the ones after it, never their writes. The first run-stopping error
/// (<see cref="RunStoppingError"/>), a failing source, or the caller's cancellation stops the run: the syncs in
/// flight are cancelled (each contact is written by one request, so nothing is half-written) and reporting ends at
/// the first customer that did not finish. What was reported is therefore a prefix of the input, which is what
/// makes a checkpoint safe, and every customer submitted but not reported is listed in
/// <see cref="UnfinishedCustomerIds"/> for the next run.
/// </para>
/// <para>One producer: call the Submit methods from one thread at a time (the results may be reported on any
/// thread).</para>
/// </summary>
public sealed class SyncRunner : IDisposable
{
    private readonly CustomerSync _sync;
    private readonly Action<SyncResult>? _onReported;
    private readonly OrderedRunner<SyncResult> _engine;
    private readonly object _gate = new object();
    private bool _completed;
    private int _submissionEnded;

    /// <param name="onReported">
    /// Told each result in input order, one at a time (from whichever thread finished the customer); a run that stops
    /// reports nothing after the first customer that did not finish.
    /// </param>
    public SyncRunner(CustomerSync sync, int throttleLimit, Action<SyncResult>? onReported,
        CancellationToken cancellationToken)
    {
        if (throttleLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(throttleLimit),
                "At least one sync must be allowed at a time.");
        }

        _sync = sync ?? throw new ArgumentNullException(nameof(sync));
        _onReported = onReported;
        Summary = new SyncSummary { WhatIf = sync.Synchronizer.Options.WhatIf };
        _engine = new OrderedRunner<SyncResult>(throttleLimit, Report,
            (customerId, error) => CustomerSync.Failed(customerId, null, error, "syncing it"), cancellationToken);
    }

    /// <summary>Counts of what was reported; after <see cref="CompleteAsync"/>, whether and why the run
    /// stopped.</summary>
    public SyncSummary Summary { get; }

    /// <summary>
    /// The error that stopped the run (run-stopping, or a failing source); null when it was not stopped by one.
    /// </summary>
    public Exception? StopError => _engine.StopError;

    /// <summary>
    /// Stops the run at the first customer reported as failed (the cmdlets' <c>-ErrorAction Stop</c>): that result is
    /// reported, the run then stops like any other stop, and <see cref="StopError"/> is a
    /// <see cref="CustomerSyncFailedException"/> naming the customer. Off by default: a failed customer is reported
    /// and the rest go on.
    /// </summary>
    public bool StopOnFailure { get; set; }

    /// <summary>True once the run stopped early, whatever the cause.</summary>
    public bool IsStopped => _engine.IsStopped;

    /// <summary>True when the caller cancelled (Ctrl+C, a stopping listener).</summary>
    public bool WasCancelled => _engine.WasCancelled;

    /// <summary>Customers submitted whose results were not reported, in input order.</summary>
    public IReadOnlyList<string> UnfinishedCustomerIds => _engine.UnfinishedKeys;

    /// <summary>
    /// Syncs every profile of <paramref name="profiles"/>, then waits for the last ones. Never throws for a stop.
    /// </summary>
    public Task RunAsync(IAsyncEnumerable<CustomerProfile> profiles) =>
        RunSourceAsync(profiles, profile => SubmitAsync(profile));

    /// <summary>Re-reads and syncs every customer id, then waits for the last ones. Never throws for a stop.</summary>
    public Task RunAsync(IEnumerable<string> customerIds) =>
        RunSourceAsync(AsAsync(customerIds), id => SubmitAsync(id));

    /// <summary>
    /// Starts syncing one profile once a slot is free; its draft is built here, on the caller's thread. False when the
    /// run has stopped and nothing more should be submitted.
    /// </summary>
    public async Task<bool> SubmitAsync(CustomerProfile profile)
    {
        if (profile == null)
        {
            throw new ArgumentNullException(nameof(profile));
        }

        var place = await _engine.ReserveAsync(profile.Id).ConfigureAwait(false);
        if (place == null)
        {
            return false;
        }

        ContactDraft? draft;
        SyncResult? failure;
        try
        {
            (draft, failure) = await _sync.BuildDraftAsync(profile, place.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Cancelled while computing: unfinished, and its slot freed so the run can complete.
            place.Finish(null);
            throw;
        }

        if (draft == null)
        {
            place.Finish(failure);
            return !IsStopped;
        }

        _ = place.Start(async token => await _sync.SyncAsync(draft, token).ConfigureAwait(false));
        return true;
    }

    /// <summary>
    /// Starts re-reading and syncing one customer once a slot is free. False when the run has stopped.
    /// </summary>
    public async Task<bool> SubmitAsync(string customerId)
    {
        if (string.IsNullOrEmpty(customerId))
        {
            throw new ArgumentException("A customer id is required.", nameof(customerId));
        }

        return await _engine.SubmitAsync(customerId,
            async token => await _sync.SyncByIdAsync(customerId, token).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>
    /// Reports a customer that is not synced (declined at a confirmation prompt, say) in its place in the order.
    /// </summary>
    public void SubmitResult(SyncResult result)
    {
        if (result == null)
        {
            throw new ArgumentNullException(nameof(result));
        }

        _engine.SubmitResult(result.CustomerId, result);
    }

    /// <summary>Keeps up to <paramref name="throttleLimit"/> customers in flight from now on.</summary>
    public void Widen(int throttleLimit) => _engine.Widen(throttleLimit);

    /// <summary>Raised once, when <see cref="CompleteAsync"/> is first called: no more customers will be
    /// submitted.</summary>
    public event Action? SubmissionEnded;

    /// <summary>
    /// Stops the run: the syncs in flight are cancelled and nothing more is reported after the first unfinished
    /// customer.
    /// </summary>
    public void Stop(Exception? error) => _engine.Stop(error);

    /// <summary>
    /// Waits for every sync in flight, reports what can be reported and completes <see cref="Summary"/>. Never throws
    /// for a stop: read <see cref="StopError"/>, <see cref="WasCancelled"/> and <see cref="UnfinishedCustomerIds"/>.
    /// </summary>
    public async Task CompleteAsync()
    {
        if (Interlocked.Exchange(ref _submissionEnded, 1) == 0)
        {
            SubmissionEnded?.Invoke();
        }

        await _engine.CompleteAsync().ConfigureAwait(false);
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            if (IsStopped)
            {
                Summary.MarkStopped(DescribeStop(), _engine.UnfinishedCount);
            }
        }
    }

    private void Report(SyncResult result)
    {
        Summary.Add(result);
        _onReported?.Invoke(result);
        if (StopOnFailure && result.Action == SyncAction.Failed)
        {
            Stop(new CustomerSyncFailedException(result));
        }
    }

    private async Task RunSourceAsync<T>(IAsyncEnumerable<T> source, Func<T, Task<bool>> submit)
    {
        try
        {
            var enumerator = source.GetAsyncEnumerator(_engine.StopToken);
            try
            {
                while (!IsStopped && await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    if (!await submit(enumerator.Current).ConfigureAwait(false))
                    {
                        break;
                    }
                }
            }
            finally
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (IsStopped)
        {
        }
        catch (Exception ex)
        {
            // The source could not go on (Stripe refused a page, say): nothing after it can be read, so the run stops.
            Stop(RunStoppingError.Find(ex) ?? ex);
        }

        await CompleteAsync().ConfigureAwait(false);
    }

    private string DescribeStop()
    {
        var finished = Summary.Customers;
        var unfinished = _engine.UnfinishedCount;
        var reason = StopError != null ? $"stopped by an error: {StopError.Message}"
            : WasCancelled ? "stopped on request"
            : "stopped";
        return $"The run {reason} after {finished} customer{(finished == 1 ? "" : "s")}; {unfinished} submitted "
            + $"customer{(unfinished == 1 ? " was" : "s were")} not finished.";
    }

    private static async IAsyncEnumerable<string> AsAsync(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            yield return id;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public void Dispose() => _engine.Dispose();
}
