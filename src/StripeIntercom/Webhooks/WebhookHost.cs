using System;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Sync;

namespace StripeIntercom.Webhooks;

/// <summary>
/// The webhook listener's whole life, for any host (the PowerShell cmdlet, a service): a processor that syncs the
/// customers deliveries name, an outbox that carries activities to a slow observer on its own thread, and the HTTP
/// listener; run until cancelled, a duration passes or the processor stops for an error; then drain and shut down.
/// </summary>
/// <remarks>
/// Stopping goes in this order: the processor stops accepting (the listener then answers 503, so Stripe delivers again
/// later what it cannot process), the customers pending or in flight get up to <see cref="DrainTimeout"/> to finish
/// (none when the processor stopped for an error), the listener stops, and the outbox reports what is left.
/// </remarks>
public sealed class WebhookHost : IDisposable
{
    /// <summary>How long customers pending or in flight may take to finish once the host stops, by default.</summary>
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(30);

    private readonly WebhookActivityQueue _outbox;
    private readonly WebhookProcessor _processor;
    private readonly WebhookListener _listener;
    private CancellationTokenSource? _stop;
    private CancellationTokenSource? _listenerStop;
    private int _started;

    /// <param name="prefix">
    /// Where to listen: http://HOST:PORT/PATH/ (ending with /), as for <see cref="WebhookListener"/>.
    /// </param>
    /// <param name="verifier">Checks each delivery's signature.</param>
    /// <param name="syncCustomer">
    /// The work of one delivery: re-reads the customer from Stripe and syncs it (and whatever goes with it). Called
    /// concurrently, at most <see cref="WebhookProcessorOptions.MaxConcurrency"/> at a time.
    /// </param>
    /// <param name="onActivity">
    /// Told about everything done, in order, from one dedicated thread: it may block (PowerShell output), it never
    /// holds up an acknowledgement; past the outbox's capacity activities are dropped and counted
    /// (<see cref="DroppedReports"/>).
    /// </param>
    /// <exception cref="ArgumentException">
    /// The prefix is not a listener prefix (<see cref="ArgumentException.ParamName"/> is prefix).
    /// </exception>
    public WebhookHost(
        string prefix,
        StripeWebhookVerifier verifier,
        Func<string, CancellationToken, Task<SyncResult>> syncCustomer,
        Action<WebhookActivity> onActivity,
        WebhookProcessorOptions? processorOptions = null,
        WebhookListenerOptions? listenerOptions = null)
    {
        if (verifier == null)
        {
            throw new ArgumentNullException(nameof(verifier));
        }

        if (syncCustomer == null)
        {
            throw new ArgumentNullException(nameof(syncCustomer));
        }

        if (onActivity == null)
        {
            throw new ArgumentNullException(nameof(onActivity));
        }

        // The prefix is checked first, so a bad one leaves nothing running.
        var prefixParts = WebhookPrefix.Parse(prefix);
        _outbox = new WebhookActivityQueue(onActivity);
        _processor = new WebhookProcessor(syncCustomer, _outbox.Post, processorOptions);
        _listener = new WebhookListener(prefixParts, verifier, _processor, onActivity, listenerOptions);
    }

    /// <summary>How long customers pending or in flight may take to finish once the host stops.</summary>
    public TimeSpan DrainTimeout { get; set; } = DefaultDrainTimeout;

    public string Prefix => _listener.Prefix;

    /// <summary>The URL it actually listens on (the real port when the prefix asked for 0), once started.</summary>
    public Uri? ListeningOn => _listener.ListeningOn;

    /// <summary>The processor, for its counters and state (deliveries are fed by the listener).</summary>
    public WebhookProcessor Processor => _processor;

    /// <summary>The listener, for its counters.</summary>
    public WebhookListener Listener => _listener;

    /// <summary>The error that stopped processing (run-stopping, or a 403); null when none did.</summary>
    public Exception? StopError => _processor.StopError;

    /// <summary>
    /// Activity reports dropped because the observer was too far behind (complete once the run ended).
    /// </summary>
    public long DroppedReports => _outbox.Dropped;

    /// <summary>
    /// Starts listening and returns at once the task of the host's life: it completes (never faulted for a stop)
    /// once <paramref name="cancellationToken"/> fires, <paramref name="duration"/> passes or the processor stops for
    /// an error, and the host has drained and shut down. Then read <see cref="StopError"/> and
    /// <see cref="DroppedReports"/>. The endpoint accepts requests when this method returns.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The prefix cannot be listened on (in use, not allowed, an unknown host), or the host was started before.
    /// </exception>
    public Task RunAsync(TimeSpan? duration, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A webhook host runs once.");
        }

        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _processor.StoppedByError);
        _listenerStop = new CancellationTokenSource();
        var listening = _listener.RunAsync(_listenerStop.Token);
        if (duration is { } limit)
        {
            _stop.CancelAfter(limit);
        }

        return RunUntilStoppedAsync(listening, _stop.Token);
    }

    private async Task RunUntilStoppedAsync(Task listening, CancellationToken stop)
    {
        try
        {
            var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (stop.Register(() => stopped.TrySetResult(true)))
            {
                // The listener ends by itself only if it fails; then there is nothing left to wait for.
                await Task.WhenAny(stopped.Task, listening).ConfigureAwait(false);
            }

            // The listener stays up meanwhile, answering 503 to deliveries the processor no longer takes.
            using var drain = new CancellationTokenSource(DrainTimeout);
            await _processor.StopAsync(drain.Token).ConfigureAwait(false);
        }
        finally
        {
            _listenerStop!.Cancel();
            try
            {
                await listening.ConfigureAwait(false);
            }
            finally
            {
                // Reports what is queued (waiting at most 30 s for the observer), then ends its thread.
                await Task.Run(() => _outbox.Dispose()).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Cancels what runs, without waiting; the host's task still completes.</summary>
    public void Dispose()
    {
        try
        {
            _stop?.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _processor.Dispose();
        _listenerStop?.Cancel();
        _outbox.Dispose();
    }
}
