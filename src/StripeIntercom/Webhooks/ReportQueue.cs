using System;
using System.Collections.Concurrent;
using System.Threading;

namespace StripeIntercom.Webhooks;

/// <summary>
/// Reports waiting for a slow observer, carried out in order on one dedicated thread. Posting never blocks and
/// never takes a thread-pool thread, so an observer that blocks (PowerShell output that is not being read)
/// cannot starve the threads that answer requests. Past the capacity a report is dropped and counted.
/// </summary>
internal sealed class ReportQueue
{
    private readonly ConcurrentQueue<Action> _queue = new ConcurrentQueue<Action>();
    private readonly SemaphoreSlim _signal = new SemaphoreSlim(0);
    private readonly int _capacity;
    private readonly Thread _thread;
    private int _count;
    private long _dropped;
    private volatile bool _completed;

    public ReportQueue(int capacity, string name)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity));
        }

        _capacity = capacity;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <param name="always">Keep it even past the capacity (summaries, which say what was dropped).</param>
    public void Post(Action report, bool always = false)
    {
        if (Interlocked.Increment(ref _count) > _capacity && !always)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _dropped);
            return;
        }

        _queue.Enqueue(report);
        _signal.Release();
    }

    /// <summary>Reports dropped since the last call.</summary>
    public long TakeDropped() => Interlocked.Exchange(ref _dropped, 0);

    /// <summary>Carries out what is queued, then stops; gives up waiting after <paramref name="timeout"/> (the thread
    /// is a background one).</summary>
    public void Complete(TimeSpan timeout)
    {
        _completed = true;
        _signal.Release();
        _thread.Join(timeout);
    }

    private void Run()
    {
        while (true)
        {
            _signal.Wait();
            while (_queue.TryDequeue(out var report))
            {
                Interlocked.Decrement(ref _count);
                try
                {
                    report();
                }
                catch (Exception)
                {
                    // Reporting is best effort; a failing observer must not stop the listener.
                }
            }

            if (_completed && _queue.IsEmpty)
            {
                return;
            }
        }
    }
}
