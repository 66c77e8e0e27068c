using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Stripe;
using StripeIntercom.Events;
using StripeIntercom.Intercom;
using StripeIntercom.Runs;
using StripeIntercom.Sync;

namespace StripeIntercom.Webhooks;

/// <summary>
/// Turns verified deliveries into customer syncs: drops redeliveries, coalesces bursts per customer and
/// runs a bounded number of syncs at a time on the library's one engine (<see cref="OrderedRunner{TResult}"/>),
/// which reports their outcomes in the order the processings started. Transport-independent: the HTTP listener
/// and the one-shot cmdlet both feed it.
/// </summary>
/// <remarks>
/// Deliveries carry no data into the sync, only a customer id: the sync delegate re-reads the customer
/// from Stripe. Out-of-order or stale deliveries therefore cannot leave old data behind, as long as one
/// processing starts after the last delivery; a customer whose delivery arrives while it is being
/// processed is processed once more afterwards for exactly that reason.
/// <para>
/// A run-stopping error (<see cref="RunStoppingError"/>: a service judged down, a rejected key or token), or a 403 from
/// Intercom or Stripe (the token or key lacks a permission every customer needs), whether thrown or carried by a
/// Failed result, stops the processor as it stops a run: it is reported once, as the Failed activity of the customer
/// that met it, then the syncs in flight are cancelled, pending customers dropped (reported as Dropped; the next
/// scheduled incremental run covers them) and new deliveries refused (the listener answers them 503, so Stripe
/// delivers them again), and <see cref="StopError"/> and <see cref="StoppedByError"/> tell the host, which ends with
/// that one error instead of failing every delivery of the outage on its own.
/// </para>
/// </remarks>
public sealed class WebhookProcessor : IDisposable
{
    private readonly object _gate = new object();
    private readonly Func<string, CancellationToken, Task<SyncResult>> _syncCustomer;
    private readonly Func<SyncResult, IReadOnlyList<Event>, CancellationToken, Task<IReadOnlyList<BillingEventResult>>>?
        _sendEvents;
    private readonly Action<WebhookActivity>? _onActivity;
    private readonly int _maxPending;
    private readonly RecentEventIds _recentEventIds;
    private readonly OrderedRunner<WebhookActivity> _runner;

    // Every customer pending or being processed; _ready holds the pending ones in arrival order.
    private readonly Dictionary<string, CustomerWork> _customers =
        new Dictionary<string, CustomerWork>(StringComparer.Ordinal);
    private readonly Queue<string> _ready = new Queue<string>();
    private readonly CancellationTokenSource _abandon = new CancellationTokenSource();
    private readonly CancellationTokenSource _stoppedByError = new CancellationTokenSource();
    private Exception? _stopError;
    private string? _stoppedOnCustomer;
    private TaskCompletionSource<bool> _idle = CompletedIdle();
    private int _unreportedRuns;
    private bool _accepting = true;
    private bool _stopped;

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

        _maxPending = options.MaxPendingCustomers;
        _sendEvents = options.SendEvents;
        _recentEventIds = new RecentEventIds(options.RememberedEventIds);
        _runner = new OrderedRunner<WebhookActivity>(options.MaxConcurrency, Reported,
            (customerId, error) => new WebhookActivity(WebhookActivityKind.Failed, customerId, error: error,
                detail: error.Message),
            _abandon.Token);
    }

    /// <summary>The error that stopped the processor; null while it has not stopped for one.</summary>
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

    /// <summary>
    /// Cancelled when a run-stopping error stops the processor: the host stops listening and reports
    /// <see cref="StopError"/>.
    /// </summary>
    public CancellationToken StoppedByError => _stoppedByError.Token;

    /// <summary>
    /// Customers waiting for a worker (a running customer due for another pass rejoins the line when it finishes).
    /// </summary>
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
    /// False once the processor stopped accepting deliveries (stopped for an error, or stopping): a delivery it is
    /// given then is not processed, and the listener answers 503 so that Stripe delivers it again later.
    /// </summary>
    internal bool IsAccepting
    {
        get
        {
            lock (_gate)
            {
                return _accepting;
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
        var scheduled = TryEnqueue(delivery, out var activity, out _);
        Report(activity);
        return scheduled;
    }

    /// <summary>
    /// Schedules like <see cref="Enqueue"/> but hands the activity back instead of reporting it, so the
    /// listener can acknowledge the delivery first and report it afterwards (<see cref="Publish"/>), off
    /// the request's path.
    /// </summary>
    /// <param name="refused">
    /// True when the processor no longer accepts deliveries (stopped for an error, or stopping): the delivery was
    /// not looked at, and must not be acknowledged.
    /// </param>
    internal bool TryEnqueue(WebhookDelivery delivery, out WebhookActivity activity, out bool refused)
    {
        if (delivery == null)
        {
            throw new ArgumentNullException(nameof(delivery));
        }

        lock (_gate)
        {
            refused = !_accepting;
            return Schedule(delivery, out activity);
        }
    }

    /// <summary>Tells the observer about an activity <see cref="TryEnqueue"/> handed back.</summary>
    internal void Publish(WebhookActivity activity) => Report(activity);

    /// <summary>Completes when no customer is pending or being processed, and every outcome was reported.</summary>
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
            if (!_runner.IsStopped)
            {
                // An error that stops the processor while it drains ends the wait too: nothing more will finish.
                var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                using (_stoppedByError.Token.Register(() => stopped.TrySetResult(true)))
                {
                    await WaitAsync(Task.WhenAny(idle, stopped.Task), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            _abandon.Cancel();
        }

        await _runner.CompleteAsync().ConfigureAwait(false);

        var dropped = new List<WebhookActivity>();
        lock (_gate)
        {
            if (!_stopped)
            {
                _stopped = true;
                var seen = new HashSet<string>(StringComparer.Ordinal);
                if (_stoppedOnCustomer != null)
                {
                    // Already reported, as the Failed activity that stopped the processor.
                    seen.Add(_stoppedOnCustomer);
                }

                foreach (var customerId in _runner.UnfinishedKeys.Where(seen.Add))
                {
                    dropped.Add(new WebhookActivity(WebhookActivityKind.Dropped, customerId,
                        detail: "The listener stopped while this customer was being processed."));
                }

                foreach (var customerId in _ready.Where(seen.Add))
                {
                    dropped.Add(new WebhookActivity(WebhookActivityKind.Dropped, customerId,
                        detail: "The listener stopped before this customer was processed."));
                }
            }

            _ready.Clear();
            _customers.Clear();
            _idle.TrySetResult(true);
        }

        foreach (var activity in dropped)
        {
            Report(activity);
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

        var billing = _sendEvents != null && delivery.IsBillingEvent && delivery.StripeEvent != null;
        if (customerId == null || !(delivery.IsRelevant || billing))
        {
            activity = Activity(WebhookActivityKind.Ignored, delivery,
                customerId != null ? "The sync does not follow this event type."
                : billing ? "The event names no customer (a dispute names only its charge): the next incremental run "
                    + "with -SyncEvents finds the customer and sends it."
                : "The event names no customer.");
            return false;
        }

        if (_customers.TryGetValue(customerId, out var work))
        {
            if (billing)
            {
                work.Events.Add(delivery.StripeEvent!);
            }

            if (work.Running)
            {
                work.RunAgain = true;
                activity = Activity(WebhookActivityKind.Coalesced, delivery,
                    "Being processed now; it will be processed once more afterwards.");
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
                $"{_ready.Count} customers are already pending; the next scheduled incremental run will pick this "
                + "one up.");
            return false;
        }

        if (_idle.Task.IsCompleted)
        {
            _idle = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        var added = new CustomerWork();
        if (billing)
        {
            added.Events.Add(delivery.StripeEvent!);
        }

        _customers.Add(customerId, added);
        _ready.Enqueue(customerId);
        Pump();
        activity = Activity(WebhookActivityKind.Received, delivery, null);
        return true;
    }

    /// <summary>Starts pending customers while the engine has free slots.</summary>
    private void Pump()
    {
        lock (_gate)
        {
            while (_ready.Count > 0 && !_runner.IsStopped)
            {
                var customerId = _ready.Peek();
                var run = _runner.TryStart(customerId, token => ProcessAsync(customerId, token));
                if (run == null)
                {
                    return;
                }

                _ready.Dequeue();
                var work = _customers[customerId];
                work.Running = true;
                work.RunAgain = false;
                _unreportedRuns++;
                // Its slot is free once this completes: the next pending customer can start.
                _ = run.ContinueWith(_ => Pump(), CancellationToken.None, TaskContinuationOptions.None,
                    TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// One processing of a customer: its outcome, or null when it stopped the processor (already reported).
    /// </summary>
    private async Task<WebhookActivity?> ProcessAsync(string customerId, CancellationToken cancellationToken)
    {
        try
        {
            var events = TakeEvents(customerId);
            SyncResult result;
            try
            {
                result = await _syncCustomer(customerId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (StoppingError(ex) is { } error)
            {
                StopFor(customerId, error, null);
                return null;
            }

            if (result == null)
            {
                return new WebhookActivity(WebhookActivityKind.Failed, customerId,
                    detail: "The sync returned no result.");
            }

            if (result.Action == SyncAction.Failed && StoppingError(result.Exception) is { } carried)
            {
                // Caught and reported as this customer's failure, but it would fail every customer alike.
                StopFor(customerId, carried, result);
                return null;
            }

            var kind = result.Action == SyncAction.Failed ? WebhookActivityKind.Failed : WebhookActivityKind.Synced;
            var activity =
                new WebhookActivity(kind, customerId, result: result, error: result.Exception, detail: result.Error);
            if (events.Count > 0 && _sendEvents != null)
            {
                try
                {
                    activity.Events = await _sendEvents(result, events, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (StoppingError(ex) is { } error)
                {
                    StopFor(customerId, error, result);
                    return null;
                }
            }

            return activity;
        }
        finally
        {
            Processed(customerId);
        }
    }

    /// <summary>The billing events received for the customer so far, in Stripe's order; later ones wait for the
    /// processing that follows.</summary>
    private List<Event> TakeEvents(string customerId)
    {
        lock (_gate)
        {
            if (!_customers.TryGetValue(customerId, out var work) || work.Events.Count == 0)
            {
                return new List<Event>();
            }

            var events = work.Events.OrderBy(e => e.Created).ToList();
            work.Events.Clear();
            return events;
        }
    }

    /// <summary>Bookkeeping when a processing ends, before its outcome is reported.</summary>
    private void Processed(string customerId)
    {
        lock (_gate)
        {
            if (!_customers.TryGetValue(customerId, out var work))
            {
                return;
            }

            work.Running = false;
            if (work.RunAgain && !_runner.IsStopped)
            {
                // Goes to the back of the line, so a customer with a steady stream of events cannot starve others.
                _ready.Enqueue(customerId);
            }
            else
            {
                _customers.Remove(customerId);
                SignalIfIdle();
            }
        }
    }

    /// <summary>The engine reports outcomes here, in the order the processings started, one at a time.</summary>
    private void Reported(WebhookActivity activity)
    {
        Report(activity);
        lock (_gate)
        {
            _unreportedRuns--;
            SignalIfIdle();
        }
    }

    private void SignalIfIdle()
    {
        if (_customers.Count == 0 && _unreportedRuns == 0)
        {
            _idle.TrySetResult(true);
        }
    }

    /// <summary>
    /// What stops the processor: a run-stopping error, or a 403 (the token or key lacks a permission: every customer
    /// would fail the same way); null for what fails one customer only.
    /// </summary>
    private static Exception? StoppingError(Exception? error)
    {
        if (RunStoppingError.Find(error) is { } stopping)
        {
            return stopping;
        }

        for (var current = error; current != null; current = current.InnerException)
        {
            if (current is IntercomApiException { StatusCode: HttpStatusCode.Forbidden }
                || current is global::Stripe.StripeException { HttpStatusCode: HttpStatusCode.Forbidden })
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>
    /// Stops the processor for <paramref name="error"/> and reports it once, as the Failed activity of the customer
    /// that met it; a later customer meeting it too is dropped with the rest.
    /// </summary>
    private void StopFor(string customerId, Exception error, SyncResult? result)
    {
        lock (_gate)
        {
            if (_stopError != null)
            {
                return;
            }

            _stopError = error;
            _stoppedOnCustomer = customerId;
            _accepting = false;
        }

        Report(new WebhookActivity(WebhookActivityKind.Failed, customerId, result: result, error: error,
            detail: $"{error.Message} The processor stopped; the next scheduled incremental run covers the customers "
                + "it did not sync."));
        _runner.Stop(error);
        _stoppedByError.Cancel();
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

        /// <summary>Billing events received and not yet taken by a processing.</summary>
        public List<Event> Events { get; } = new List<Event>();
    }
}
