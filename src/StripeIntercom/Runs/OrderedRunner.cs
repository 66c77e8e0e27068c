using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>
/// The one concurrency engine of the library: runs keyed work items a bounded number at a time and reports their
/// results in submission order, one at a time, from outside its lock. The customer runs (<see cref="SyncRunner"/>),
/// the company phase and the webhook processor all run on it.
/// <para>
/// A slow item holds back the reports of the ones after it, never their work. The first run-stopping error
/// (<see cref="RunStoppingError"/>), <see cref="Stop"/>, or the caller's cancellation stops the run: the work in
/// flight is cancelled and reporting ends at the first item that did not finish. What was reported is therefore a
/// prefix of what was submitted, and every item submitted but not reported is listed in <see cref="UnfinishedKeys"/>.
/// </para>
/// <para>One producer: submit from one thread at a time (the results may be reported on any thread).</para>
/// </summary>
/// <typeparam name="TResult">What one item's work ends with; a null result means the item did not finish.</typeparam>
public sealed class OrderedRunner<TResult> : IDisposable
    where TResult : class
{
    private readonly Action<TResult>? _onReported;
    private readonly Func<string, Exception, TResult> _failed;
    private int _throttleLimit;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _stop;
    private readonly object _gate = new object();
    private readonly Dictionary<long, TResult?> _finished = new Dictionary<long, TResult?>();
    private readonly SortedDictionary<long, string> _unreported = new SortedDictionary<long, string>();
    private Exception? _stopError;
    private long _nextSequence;
    private long _nextToReport;
    private bool _reportingClosed;
    private bool _delivering;

    /// <param name="throttleLimit">Items worked on at once.</param>
    /// <param name="onReported">
    /// Told each result in submission order, one at a time, from whichever thread finished an item; never under the
    /// engine's lock, so it may block. If it throws, the run stops with that exception as <see cref="StopError"/>.
    /// </param>
    /// <param name="failed">
    /// The result of an item whose work threw an error that fails only that item (neither run-stopping nor the
    /// run's cancellation): its key and the error.
    /// </param>
    /// <param name="cancellationToken">The caller's cancellation: it stops the run.</param>
    public OrderedRunner(int throttleLimit, Action<TResult>? onReported, Func<string, Exception, TResult> failed,
        CancellationToken cancellationToken)
    {
        if (throttleLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(throttleLimit),
                "At least one item must be allowed at a time.");
        }

        _failed = failed ?? throw new ArgumentNullException(nameof(failed));
        _throttleLimit = throttleLimit;
        _onReported = onReported;
        _slots = new SemaphoreSlim(throttleLimit);
        _callerToken = cancellationToken;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>
    /// The error that stopped the run (run-stopping, a failing reporter, or given to <see cref="Stop"/>).
    /// </summary>
    public Exception? StopError
    {
        get
        {
            lock (_gate)
            {
                return _stopError;
            }
        }
    }

    /// <summary>True once the run stopped early, whatever the cause.</summary>
    public bool IsStopped => _stop.IsCancellationRequested;

    /// <summary>True when the caller cancelled.</summary>
    public bool WasCancelled => _callerToken.IsCancellationRequested;

    /// <summary>Cancelled when the run stops: the token every item's work is given.</summary>
    public CancellationToken StopToken => _stop.Token;

    /// <summary>Keys of the items submitted whose results were not reported, in submission order.</summary>
    public IReadOnlyList<string> UnfinishedKeys
    {
        get
        {
            lock (_gate)
            {
                return _unreported.Values.ToList();
            }
        }
    }

    /// <summary>How many items submitted were not reported.</summary>
    public int UnfinishedCount
    {
        get
        {
            lock (_gate)
            {
                return _unreported.Count;
            }
        }
    }

    /// <summary>Starts <paramref name="work"/> once a slot is free. False when the run has stopped.</summary>
    public async Task<bool> SubmitAsync(string key, Func<CancellationToken, Task<TResult?>> work)
    {
        var place = await ReserveAsync(key).ConfigureAwait(false);
        if (place == null)
        {
            return false;
        }

        _ = place.Start(work);
        return true;
    }

    /// <summary>
    /// Starts <paramref name="work"/> if a slot is free now, without waiting. Returns the task that completes once its
    /// result is recorded and its slot freed, or null when no slot is free or the run has stopped.
    /// </summary>
    public Task? TryStart(string key, Func<CancellationToken, Task<TResult?>> work)
    {
        if (IsStopped || !_slots.Wait(0))
        {
            return null;
        }

        return new Reservation(this, key, Register(key)).Start(work);
    }

    /// <summary>
    /// Takes a slot and the next place in the order, for a caller that prepares the work itself first; null when the
    /// run has stopped. The reservation must be started or finished, or the slot is never freed.
    /// </summary>
    public async Task<Reservation?> ReserveAsync(string key)
    {
        if (IsStopped)
        {
            return null;
        }

        try
        {
            await _slots.WaitAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        return new Reservation(this, key, Register(key));
    }

    /// <summary>
    /// Reports a result that needs no work (a declined item, say) in its place in the order; takes no slot.
    /// </summary>
    public void SubmitResult(string key, TResult result)
    {
        if (result == null)
        {
            throw new ArgumentNullException(nameof(result));
        }

        Finish(Register(key), result);
    }

    /// <summary>
    /// Stops the run: the work in flight is cancelled and nothing is reported after the first unfinished item.
    /// </summary>
    /// <param name="error">Kept as <see cref="StopError"/> unless one was kept before; null for a plain stop.</param>
    public void Stop(Exception? error)
    {
        lock (_gate)
        {
            if (error != null && _stopError == null)
            {
                _stopError = error;
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

    /// <summary>Lets up to <paramref name="throttleLimit"/> items be worked on at once from now on (never
    /// fewer).</summary>
    public void Widen(int throttleLimit)
    {
        lock (_gate)
        {
            if (throttleLimit <= _throttleLimit)
            {
                return;
            }

            _slots.Release(throttleLimit - _throttleLimit);
            _throttleLimit = throttleLimit;
        }
    }

    /// <summary>
    /// Waits for every item in flight and reports what can be reported. Never throws for a stop: read
    /// <see cref="StopError"/>, <see cref="WasCancelled"/> and <see cref="UnfinishedKeys"/>. Once it returns nothing
    /// more is reported until more is submitted.
    /// </summary>
    public async Task CompleteAsync()
    {
        // Every slot taken means nothing is in flight; a run widened meanwhile has more slots to take.
        var taken = 0;
        while (taken < Volatile.Read(ref _throttleLimit))
        {
            await _slots.WaitAsync().ConfigureAwait(false);
            taken++;
        }

        _slots.Release(taken);
        Deliver();
    }

    private long Register(string key)
    {
        lock (_gate)
        {
            var sequence = _nextSequence++;
            _unreported[sequence] = key ?? "";
            return sequence;
        }
    }

    private Task Dispatch(string key, long sequence, Func<CancellationToken, Task<TResult?>> work)
    {
        var token = _stop.Token;
        return Task.Run(async () =>
        {
            TResult? result = null;
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
                result = _failed(key, ex);
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

    /// <param name="result">Null for an item that did not finish: reporting ends before it.</param>
    private void Finish(long sequence, TResult? result)
    {
        lock (_gate)
        {
            _finished[sequence] = result;
        }

        Deliver();
    }

    /// <summary>
    /// Reports the results that are next in order. One thread delivers at a time, outside the lock, so a reporter that
    /// blocks (PowerShell's bounded write queue) never holds up the work that is finishing.
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
            var ready = new List<(long Sequence, TResult Result)>();
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

                    ready.Add((_nextToReport, next));
                    _nextToReport++;
                }

                if (ready.Count == 0)
                {
                    _delivering = false;
                    return;
                }
            }

            foreach (var (sequence, result) in ready)
            {
                try
                {
                    _onReported?.Invoke(result);
                }
                catch (Exception ex)
                {
                    // The reporter cannot go on (a stopped pipeline, say): this result and the rest stay unreported.
                    lock (_gate)
                    {
                        _reportingClosed = true;
                        _delivering = false;
                    }

                    Stop(ex);
                    return;
                }

                lock (_gate)
                {
                    _unreported.Remove(sequence);
                }
            }
        }
    }

    public void Dispose()
    {
        _stop.Dispose();
        _slots.Dispose();
    }

    /// <summary>A slot and a place in the order, taken by <see cref="ReserveAsync"/>; used once.</summary>
    public sealed class Reservation
    {
        private readonly OrderedRunner<TResult> _runner;
        private readonly long _sequence;
        private int _used;

        internal Reservation(OrderedRunner<TResult> runner, string key, long sequence)
        {
            _runner = runner;
            _sequence = sequence;
            Key = key;
        }

        public string Key { get; }

        /// <summary>Cancelled when the run stops.</summary>
        public CancellationToken Token => _runner._stop.Token;

        /// <summary>
        /// Runs <paramref name="work"/> on the thread pool; returns the task that completes once its result is recorded
        /// and the slot freed (it never faults).
        /// </summary>
        public Task Start(Func<CancellationToken, Task<TResult?>> work)
        {
            if (work == null)
            {
                throw new ArgumentNullException(nameof(work));
            }

            Use();
            return _runner.Dispatch(Key, _sequence, work);
        }

        /// <summary>
        /// Records the result without running anything and frees the slot; null when the item did not finish.
        /// </summary>
        public void Finish(TResult? result)
        {
            Use();
            try
            {
                _runner.Finish(_sequence, result);
            }
            finally
            {
                _runner._slots.Release();
            }
        }

        private void Use()
        {
            if (Interlocked.Exchange(ref _used, 1) != 0)
            {
                throw new InvalidOperationException("A reservation is started or finished once.");
            }
        }
    }
}
