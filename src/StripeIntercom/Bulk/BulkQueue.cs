using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace StripeIntercom.Bulk;

/// <summary>
/// Collects items into batches of <see cref="BulkWriteOptions.BatchSize"/>: a full batch leaves at once, a partial
/// one <see cref="BulkWriteOptions.FlushDelay"/> after its first item arrived. Items whose run stopped are dropped
/// before sending.
/// </summary>
internal sealed class BulkQueue<T>
    where T : BulkItem
{
    private readonly object _gate = new object();
    private readonly BulkWriteOptions _options;
    private readonly Func<IReadOnlyList<T>, Task> _send;
    private List<T> _pending = new List<T>();
    private bool _flushScheduled;

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

    private async Task FlushLaterAsync()
    {
        await Task.Delay(_options.FlushDelay).ConfigureAwait(false);
        List<T> batch;
        lock (_gate)
        {
            _flushScheduled = false;
            batch = TakeBatch();
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
