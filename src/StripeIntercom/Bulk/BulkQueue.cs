using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;

namespace StripeIntercom.Bulk;

/// <summary>
/// Collects items into batches of <see cref="BulkWriteOptions.BatchSize"/>: a full batch leaves at once, a partial
/// one <see cref="BulkWriteOptions.FlushDelay"/> after its first item arrived, or, once <see cref="FinishSoon"/> said
/// that few items are still to come, as soon as none has come for <see cref="BulkWriteOptions.LastBatchQuiet"/>.
/// Items whose run stopped are dropped before sending.
/// </summary>
internal sealed class BulkQueue<T>
    where T : BulkItem
{
    private static readonly TimeSpan MinimumStep = TimeSpan.FromMilliseconds(5);

    private readonly object _gate = new object();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly BulkWriteOptions _options;
    private readonly Func<IReadOnlyList<T>, Task> _send;
    private List<T> _pending = new List<T>();
    private bool _flushScheduled;
    private bool _finishing;
    private TimeSpan _firstPendingAt;
    private TimeSpan _lastAddedAt;

    /// <param name="send">Sends one batch; it completes every item and never throws.</param>
    public BulkQueue(BulkWriteOptions options, Func<IReadOnlyList<T>, Task> send)
    {
        _options = options;
        _send = send;
    }

    public void Add(T item)
    {
        List<T>? full = null;
        var scheduleFlush = false;
        lock (_gate)
        {
            _lastAddedAt = _clock.Elapsed;
            if (_pending.Count == 0)
            {
                _firstPendingAt = _lastAddedAt;
            }

            _pending.Add(item);
            if (_pending.Count >= _options.BatchSize)
            {
                full = TakeBatch();
            }
            else if (!_flushScheduled)
            {
                _flushScheduled = true;
                scheduleFlush = true;
            }
        }

        if (full != null)
        {
            Send(full);
        }

        if (scheduleFlush)
        {
            _ = FlushLaterAsync();
        }
    }

    /// <summary>
    /// Few items are still to come (the run has read its last customer): the partial batch leaves once none has come
    /// for <see cref="BulkWriteOptions.LastBatchQuiet"/> instead of waiting out the flush delay. Holds until that
    /// batch leaves; a straggler after it waits the flush delay again.
    /// </summary>
    public void FinishSoon()
    {
        lock (_gate)
        {
            _finishing = true;
        }
    }

    private async Task FlushLaterAsync()
    {
        List<T> batch;
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = _clock.Elapsed;
                var due = _firstPendingAt + _options.FlushDelay;
                if (_finishing && _lastAddedAt + _options.LastBatchQuiet < due)
                {
                    due = _lastAddedAt + _options.LastBatchQuiet;
                }

                if (_pending.Count == 0 || now >= due)
                {
                    _flushScheduled = false;
                    _finishing = false;
                    batch = TakeBatch();
                    break;
                }

                // Waking at least every quiet interval notices a FinishSoon that came meanwhile.
                var step = _options.LastBatchQuiet > MinimumStep ? _options.LastBatchQuiet : MinimumStep;
                wait = due - now < step ? due - now : step;
            }

            await Task.Delay(wait).ConfigureAwait(false);
        }

        Send(batch);
    }

    private void Send(List<T> batch)
    {
        var live = new List<T>(batch.Count);
        foreach (var item in batch)
        {
            if (item.Token.IsCancellationRequested)
            {
                item.Cancel();
            }
            else
            {
                live.Add(item);
            }
        }

        if (live.Count > 0)
        {
            _ = Task.Run(() => _send(live));
        }
    }

    private List<T> TakeBatch()
    {
        if (_pending.Count <= _options.BatchSize)
        {
            var all = _pending;
            _pending = new List<T>();
            return all;
        }

        var batch = _pending.Take(_options.BatchSize).ToList();
        _pending.RemoveRange(0, batch.Count);
        return batch;
    }
}
