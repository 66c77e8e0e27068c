using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>
/// Runs many customer syncs at once and reports their results in input order: the engine behind every cmdlet, the
/// webhook cmdlet, the benchmark and the fault tests.
/// <para>
/// A slow customer holds back the reports of the ones after it, never their writes. The first run-stopping error
/// (<see cref="RunStoppingError"/>), a failing source, or the caller's cancellation stops the run: the syncs in
/// flight are cancelled (each contact is written by one request, so nothing is half-written) and reporting ends at
/// the first customer that did not finish. What was reported is therefore a prefix of the input, which is what
/// makes a checkpoint safe, and every customer submitted but not reported is listed in
/// <see cref="UnfinishedCustomerIds"/> for the next run.
/// </para>
/// <para>One producer: call the Submit methods from one thread at a time (the results may be reported on any thread).</para>
/// </summary>
public sealed class SyncRunner : IDisposable
{
    private readonly CustomerSync _sync;
    private readonly Action<SyncResult>? _onReported;
    private readonly int _throttleLimit;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _stop;
    private readonly object _gate = new object();
    private readonly Dictionary<long, SyncResult?> _finished = new Dictionary<long, SyncResult?>();
    private readonly SortedDictionary<long, string> _unreported = new SortedDictionary<long, string>();
    private long _nextSequence;
    private long _nextToReport;
    private bool _reportingClosed;
    private bool _delivering;
    private bool _completed;

    /// <param name="onReported">
    /// Told each result in input order, one at a time (from whichever thread finished the customer); a run that stops
    /// reports nothing after the first customer that did not finish.
    /// </param>
    public SyncRunner(CustomerSync sync, int throttleLimit, Action<SyncResult>? onReported, CancellationToken cancellationToken)
    {
        if (throttleLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(throttleLimit), "At least one sync must be allowed at a time.");
        }

        _sync = sync ?? throw new ArgumentNullException(nameof(sync));
        _throttleLimit = throttleLimit;
        _onReported = onReported;
        _slots = new SemaphoreSlim(throttleLimit, throttleLimit);
        _callerToken = cancellationToken;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Summary = new SyncSummary { WhatIf = sync.Synchronizer.Options.WhatIf };
    }

    /// <summary>Counts of what was reported; after <see cref="CompleteAsync"/>, whether and why the run stopped.</summary>
    public SyncSummary Summary { get; }

    /// <summary>The error that stopped the run (run-stopping, or a failing source); null when it was not stopped by one.</summary>
    public Exception? StopError { get; private set; }

    /// <summary>
    /// Stops the run at the first customer reported as failed (the cmdlets' <c>-ErrorAction Stop</c>): that result is
    /// reported, the run then stops like any other stop, and <see cref="StopError"/> is a
    /// <see cref="CustomerSyncFailedException"/> naming the customer. Off by default: a failed customer is reported
    /// and the rest go on.
    /// </summary>
    public bool StopOnFailure { get; set; }

    /// <summary>True once the run stopped early, whatever the cause.</summary>
    public bool IsStopped => _stop.IsCancellationRequested;

    /// <summary>True when the caller cancelled (Ctrl+C, a stopping listener).</summary>
    public bool WasCancelled => _callerToken.IsCancellationRequested;

    /// <summary>Customers submitted whose results were not reported, in input order.</summary>
    public IReadOnlyList<string> UnfinishedCustomerIds
    {
        get
        {
            lock (_gate)
            {
                return _unreported.Values.ToList();
            }
        }
    }

    /// <summary>Syncs every profile of <paramref name="profiles"/>, then waits for the last ones. Never throws for a stop.</summary>
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

        if (!await TakeSlotAsync().ConfigureAwait(false))
        {
            return false;
        }

        var sequence = Register(profile.Id);
        var (draft, failure) = await _sync.BuildDraftAsync(profile, _stop.Token).ConfigureAwait(false);
        if (draft == null)
        {
            _slots.Release();
            Finish(sequence, failure);
            return !IsStopped;
        }

        Dispatch(sequence, token => _sync.SyncAsync(draft, token));
        return true;
    }

    /// <summary>Starts re-reading and syncing one customer once a slot is free. False when the run has stopped.</summary>
    public async Task<bool> SubmitAsync(string customerId)
    {
        if (string.IsNullOrEmpty(customerId))
        {
            throw new ArgumentException("A customer id is required.", nameof(customerId));
        }

        if (!await TakeSlotAsync().ConfigureAwait(false))
        {
            return false;
        }

        Dispatch(Register(customerId), token => _sync.SyncByIdAsync(customerId, token));
        return true;
    }

    /// <summary>Reports a customer that is not synced (declined at a confirmation prompt, say) in its place in the order.</summary>
    public void SubmitResult(SyncResult result)
    {
        if (result == null)
        {
            throw new ArgumentNullException(nameof(result));
        }

        Finish(Register(result.CustomerId), result);
    }

    /// <summary>Stops the run: the syncs in flight are cancelled and nothing more is reported after the first unfinished customer.</summary>
    public void Stop(Exception? error)
    {
        lock (_gate)
        {
            if (error != null && StopError == null)
            {
                StopError = error;
            }
        }

        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Waits for every sync in flight, reports what can be reported and completes <see cref="Summary"/>. Never throws for
    /// a stop: read <see cref="StopError"/>, <see cref="WasCancelled"/> and <see cref="UnfinishedCustomerIds"/>.
    /// </summary>
    public async Task CompleteAsync()
    {
        for (var i = 0; i < _throttleLimit; i++)
        {
            await _slots.WaitAsync().ConfigureAwait(false);
        }

        _slots.Release(_throttleLimit);
        Deliver();
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            if (IsStopped)
            {
                Summary.MarkStopped(DescribeStop(), _unreported.Count);
            }
        }
    }

    private async Task RunSourceAsync<T>(IAsyncEnumerable<T> source, Func<T, Task<bool>> submit)
    {
        try
        {
            var enumerator = source.GetAsyncEnumerator(_stop.Token);
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

    private async Task<bool> TakeSlotAsync()
    {
        if (IsStopped)
        {
            return false;
        }

        try
        {
            await _slots.WaitAsync(_stop.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private long Register(string customerId)
    {
        lock (_gate)
        {
            var sequence = _nextSequence++;
            _unreported[sequence] = customerId;
            return sequence;
        }
    }

    private void Dispatch(long sequence, Func<CancellationToken, Task<SyncResult>> work)
    {
        var token = _stop.Token;
        _ = Task.Run(async () =>
        {
            SyncResult? result = null;
            try
            {
                result = await work(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (RunStoppingError.Is(ex))
            {
                Stop(RunStoppingError.Find(ex));
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Stopped before it finished: not reported, so the next run does it.
            }
            catch (Exception ex)
            {
                result = CustomerSync.Failed(CustomerIdOf(sequence), null, ex, "syncing it");
            }

            // The slot is freed only after the report, so a run that holds every slot has reported everything.
            try
            {
                Finish(sequence, result);
            }
            finally
            {
                _slots.Release();
            }
        });
    }

    private string CustomerIdOf(long sequence)
    {
        lock (_gate)
        {
            return _unreported.TryGetValue(sequence, out var id) ? id : "";
        }
    }

    /// <param name="result">Null for a customer that did not finish: reporting ends before it.</param>
    private void Finish(long sequence, SyncResult? result)
    {
        lock (_gate)
        {
            _finished[sequence] = result;
        }

        Deliver();
    }

    /// <summary>
    /// Reports the results that are next in order. One thread delivers at a time, outside the lock, so a reporter that
    /// blocks (PowerShell's bounded write queue) never holds up the syncs that are finishing.
    /// </summary>
    private void Deliver()
    {
        lock (_gate)
        {
            if (_delivering)
            {
                return;
            }

            _delivering = true;
        }

        while (true)
        {
            var ready = new List<SyncResult>();
            lock (_gate)
            {
                while (!_reportingClosed && _finished.TryGetValue(_nextToReport, out var next))
                {
                    _finished.Remove(_nextToReport);
                    if (next == null)
                    {
                        _reportingClosed = true;
                        break;
                    }

                    _unreported.Remove(_nextToReport);
                    _nextToReport++;
                    ready.Add(next);
                }

                if (ready.Count == 0)
                {
                    _delivering = false;
                    return;
                }
            }

            foreach (var result in ready)
            {
                Summary.Add(result);
                _onReported?.Invoke(result);
                if (StopOnFailure && result.Action == SyncAction.Failed)
                {
                    Stop(new CustomerSyncFailedException(result));
                }
            }
        }
    }

    private string DescribeStop()
    {
        var finished = Summary.Customers;
        var reason = StopError != null ? $"stopped by an error: {StopError.Message}"
            : WasCancelled ? "stopped on request"
            : "stopped";
        return $"The run {reason} after {finished} customer{(finished == 1 ? "" : "s")}; {_unreported.Count} submitted customer{(_unreported.Count == 1 ? " was" : "s were")} not finished.";
    }

    private static async IAsyncEnumerable<string> AsAsync(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            yield return id;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stop.Dispose();
        _slots.Dispose();
    }
}
