using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Sync;

namespace StripeIntercom.Webhooks;

/// <summary>
/// Turns verified deliveries into customer syncs: drops redeliveries, coalesces bursts per customer and
/// runs a bounded number of syncs at a time. Transport-independent: the HTTP listener and the one-shot
/// cmdlet both feed it.
/// </summary>
/// <remarks>
/// Deliveries carry no data into the sync, only a customer id: the sync delegate re-reads the customer
/// from Stripe. Out-of-order or stale deliveries therefore cannot leave old data behind, as long as one
/// processing starts after the last delivery; a customer whose delivery arrives while it is being
/// processed is processed once more afterwards for exactly that reason.
/// <para>
/// A run-stopping error (<see cref="RunStoppingError"/>: a service judged down, a rejected key or token) stops the
/// processor as it stops a run: it is reported once, as the Failed activity of the customer that met it, then the
/// syncs in flight are cancelled, pending customers dropped and new deliveries refused (all reported as Dropped; the
/// next scheduled incremental run covers them), and <see cref="StopError"/> and <see cref="StoppedByError"/> tell
/// the host, which ends with that one error instead of failing every delivery of the outage on its own.
/// </para>
/// </remarks>
public sealed class WebhookProcessor : IDisposable
{
    private readonly object _gate = new object();
    private readonly Func<string, CancellationToken, Task<SyncResult>> _syncCustomer;
    private readonly Action<WebhookActivity>? _onActivity;
    private readonly int _maxConcurrency;
    private readonly int _maxPending;
    private readonly RecentEventIds _recentEventIds;

    // Every customer pending or being processed; _ready holds the pending ones in arrival order.
    private readonly Dictionary<string, CustomerWork> _customers = new Dictionary<string, CustomerWork>(StringComparer.Ordinal);
    private readonly Queue<string> _ready = new Queue<string>();
    private readonly List<Task> _workers = new List<Task>();
    private readonly CancellationTokenSource _abandon = new CancellationTokenSource();
    private readonly CancellationTokenSource _stoppedByError = new CancellationTokenSource();
    private Exception? _stopError;
    private TaskCompletionSource<bool> _idle = CompletedIdle();
    private int _activeWorkers;
    private bool _accepting = true;

    /// <param name="syncCustomer">
    /// Re-reads the customer from Stripe and syncs it to Intercom. Must read current data, never trust an
    /// event's snapshot.
    /// </param>
    /// <param name="onActivity">
    /// Told about everything done, from worker and request threads, possibly concurrently: keep it fast
    /// and thread-safe (queue the activity; PowerShell must write from its pipeline thread).
    /// </param>
    public WebhookProcessor(
        Func<string, CancellationToken, Task<SyncResult>> syncCustomer,
        Action<WebhookActivity>? onActivity = null,
        WebhookProcessorOptions? options = null)
    {
        _syncCustomer = syncCustomer ?? throw new ArgumentNullException(nameof(syncCustomer));
        _onActivity = onActivity;
        options = options ?? new WebhookProcessorOptions();
        if (options.MaxConcurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxConcurrency must be at least 1.");
        }

        if (options.MaxPendingCustomers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxPendingCustomers must be at least 1.");
        }

        _maxConcurrency = options.MaxConcurrency;
        _maxPending = options.MaxPendingCustomers;
        _recentEventIds = new RecentEventIds(options.RememberedEventIds);
    }

    /// <summary>The run-stopping error that stopped the processor; null while it has not stopped for one.</summary>
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

    /// <summary>Cancelled when a run-stopping error stops the processor: the host stops listening and reports <see cref="StopError"/>.</summary>
    public CancellationToken StoppedByError => _stoppedByError.Token;

    /// <summary>Customers waiting for a worker (a running customer due for another pass rejoins the line when it finishes).</summary>
    public int PendingCustomers
    {
        get
        {
            lock (_gate)
            {
                return _ready.Count;
            }
        }
    }

    /// <summary>
    /// Schedules the delivery's customer and returns at once. True when a processing that starts after
    /// this call is guaranteed; false when the delivery was a duplicate, ignored or dropped (see the
    /// reported activity).
    /// </summary>
    public bool Enqueue(WebhookDelivery delivery)
    {
        var scheduled = TryEnqueue(delivery, out var activity);
        Report(activity);
        return scheduled;
    }

    /// <summary>
    /// Schedules like <see cref="Enqueue"/> but hands the activity back instead of reporting it, so the
    /// listener can acknowledge the delivery first and report it afterwards (<see cref="Publish"/>), off
    /// the request's path.
    /// </summary>
    internal bool TryEnqueue(WebhookDelivery delivery, out WebhookActivity activity)
    {
        if (delivery == null)
        {
            throw new ArgumentNullException(nameof(delivery));
        }

        lock (_gate)
        {
            return Schedule(delivery, out activity);
        }
    }

    /// <summary>Tells the observer about an activity <see cref="TryEnqueue"/> handed back.</summary>
    internal void Publish(WebhookActivity activity) => Report(activity);

    /// <summary>Completes when no customer is pending or being processed.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        Task idle;
        lock (_gate)
        {
            idle = _idle.Task;
        }

        return WaitAsync(idle, cancellationToken);
    }

    /// <summary>
    /// Stops accepting deliveries and lets pending customers finish. If <paramref name="cancellationToken"/>
    /// fires first, running syncs are cancelled and pending customers are dropped (reported as Dropped; the
    /// next scheduled incremental run covers them). Never throws for cancellation.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task idle;
        lock (_gate)
        {
            _accepting = false;
            idle = _idle.Task;
        }

        try
        {
            // Stopped for an error: the syncs in flight are already cancelled and the pending ones wait for nobody.
            if (!_abandon.IsCancellationRequested)
            {
                await WaitAsync(idle, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            _abandon.Cancel();
        }

        Task[] workers;
        lock (_gate)
        {
            workers = _workers.ToArray();
        }

        await Task.WhenAll(workers).ConfigureAwait(false);

        List<string> abandoned;
        lock (_gate)
        {
            abandoned = _ready.ToList();
            _ready.Clear();
            _customers.Clear();
            _idle.TrySetResult(true);
        }

        foreach (var customerId in abandoned)
        {
            Report(new WebhookActivity(WebhookActivityKind.Dropped, customerId, detail: "The listener stopped before this customer was processed."));
        }
    }

    /// <summary>Cancels running syncs and refuses new deliveries, without waiting.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _accepting = false;
        }

        _abandon.Cancel();
    }

    private bool Schedule(WebhookDelivery delivery, out WebhookActivity activity)
    {
        var customerId = delivery.CustomerId;
        if (!_accepting)
        {
            activity = Activity(WebhookActivityKind.Dropped, delivery, "The processor is stopping.");
            return false;
        }

        if (!_recentEventIds.Add(delivery.EventId))
        {
            activity = Activity(WebhookActivityKind.Duplicate, delivery, "This event was already received.");
            return false;
        }

        if (!delivery.IsRelevant || customerId == null)
        {
            activity = Activity(WebhookActivityKind.Ignored, delivery, customerId == null ? "The event names no customer." : "The sync does not follow this event type.");
            return false;
        }

        if (_customers.TryGetValue(customerId, out var work))
        {
            if (work.Running)
            {
                work.RunAgain = true;
                activity = Activity(WebhookActivityKind.Coalesced, delivery, "Being processed now; it will be processed once more afterwards.");
            }
            else
            {
                activity = Activity(WebhookActivityKind.Coalesced, delivery, "Already pending.");
            }

            return true;
        }

        if (_ready.Count >= _maxPending)
        {
            activity = Activity(
                WebhookActivityKind.Dropped,
                delivery,
                $"{_ready.Count} customers are already pending; the next scheduled incremental run will pick this one up.");
            return false;
        }

        if (_customers.Count == 0)
        {
            _idle = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _customers.Add(customerId, new CustomerWork());
        _ready.Enqueue(customerId);
        if (_activeWorkers < _maxConcurrency)
        {
            _activeWorkers++;
            _workers.RemoveAll(worker => worker.IsCompleted);
            _workers.Add(Task.Run(WorkAsync));
        }

        activity = Activity(WebhookActivityKind.Received, delivery, null);
        return true;
    }

    private async Task WorkAsync()
    {
        while (true)
        {
            string customerId;
            lock (_gate)
            {
                if (_ready.Count == 0 || _abandon.IsCancellationRequested)
                {
                    _activeWorkers--;
                    return;
                }

                customerId = _ready.Dequeue();
                var work = _customers[customerId];
                work.Running = true;
                work.RunAgain = false;
            }

            Report(await SyncAsync(customerId).ConfigureAwait(false));

            lock (_gate)
            {
                if (!_customers.TryGetValue(customerId, out var work))
                {
                    continue;
                }

                work.Running = false;
                if (work.RunAgain && !_abandon.IsCancellationRequested)
                {
                    // Goes to the back of the line, so a customer with a steady stream of events cannot starve others.
                    _ready.Enqueue(customerId);
                }
                else
                {
                    _customers.Remove(customerId);
                    if (_customers.Count == 0)
                    {
                        _idle.TrySetResult(true);
                    }
                }
            }
        }
    }

    private async Task<WebhookActivity> SyncAsync(string customerId)
    {
        try
        {
            var result = await _syncCustomer(customerId, _abandon.Token).ConfigureAwait(false);
            if (result == null)
            {
                return new WebhookActivity(WebhookActivityKind.Failed, customerId, detail: "The sync returned no result.");
            }

            var kind = result.Action == SyncAction.Failed ? WebhookActivityKind.Failed : WebhookActivityKind.Synced;
            return new WebhookActivity(kind, customerId, result: result, error: result.Exception, detail: result.Error);
        }
        catch (Exception ex) when (RunStoppingError.Is(ex))
        {
            var error = RunStoppingError.Find(ex)!;
            if (!StopFor(error))
            {
                return new WebhookActivity(WebhookActivityKind.Dropped, customerId, detail: "The processor stopped for an error while this customer was being processed.");
            }

            return new WebhookActivity(WebhookActivityKind.Failed, customerId, error: error,
                detail: $"{error.Message} The processor stopped; the next scheduled incremental run covers the customers it did not sync.");
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            return new WebhookActivity(WebhookActivityKind.Dropped, customerId, detail: "The listener stopped while this customer was being processed.");
        }
        catch (Exception ex)
        {
            return new WebhookActivity(WebhookActivityKind.Failed, customerId, error: ex, detail: ex.Message);
        }
    }

    /// <summary>Stops the processor for <paramref name="error"/>; false when it had already stopped for one.</summary>
    private bool StopFor(Exception error)
    {
        lock (_gate)
        {
            if (_stopError != null)
            {
                return false;
            }

            _stopError = error;
            _accepting = false;
        }

        _abandon.Cancel();
        _stoppedByError.Cancel();
        return true;
    }

    private void Report(WebhookActivity activity)
    {
        try
        {
            _onActivity?.Invoke(activity);
        }
        catch (Exception)
        {
            // A failing observer must not stop the workers or fail a webhook request; reporting is best effort.
        }
    }

    private static WebhookActivity Activity(WebhookActivityKind kind, WebhookDelivery delivery, string? detail) =>
        new WebhookActivity(kind, delivery.CustomerId, delivery.EventId, delivery.Type, detail: detail);

    private static TaskCompletionSource<bool> CompletedIdle()
    {
        var idle = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        idle.TrySetResult(true);
        return idle;
    }

    private static async Task WaitAsync(Task task, CancellationToken cancellationToken)
    {
        if (task.IsCompleted || !cancellationToken.CanBeCanceled)
        {
            await task.ConfigureAwait(false);
            return;
        }

        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(() => cancelled.TrySetCanceled(cancellationToken)))
        {
            await (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    private sealed class CustomerWork
    {
        public bool Running { get; set; }

        /// <summary>A delivery arrived while running: the processing in flight may have read older data.</summary>
        public bool RunAgain { get; set; }
    }
}
