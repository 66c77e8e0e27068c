using System;

namespace StripeIntercom.Webhooks;

/// <summary>
/// Hands activities to an observer that may block (PowerShell output) without ever blocking the one who
/// reports: the processor's workers and the listener post here, one dedicated thread carries the reports out
/// in order. When the observer falls more than the capacity behind, reports are dropped and counted.
/// </summary>
public sealed class WebhookActivityQueue : IDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);
    private readonly ReportQueue _queue;
    private readonly Action<WebhookActivity> _observer;
    private long _dropped;
    private bool _disposed;

    public WebhookActivityQueue(Action<WebhookActivity> observer, int capacity = 1024)
    {
        _observer = observer ?? throw new ArgumentNullException(nameof(observer));
        _queue = new ReportQueue(capacity, "StripeIntercom webhook activity");
    }

    /// <summary>Activities dropped so far because the observer was too far behind.</summary>
    public long Dropped
    {
        get { return System.Threading.Interlocked.Add(ref _dropped, _queue.TakeDropped()); }
    }

    /// <summary>Queues the activity and returns at once.</summary>
    public void Post(WebhookActivity activity) => _queue.Post(() => _observer(activity));

    /// <summary>Carries out what is queued (waiting at most 30 s), then stops the thread.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _queue.Complete(DrainTimeout);
    }
}
