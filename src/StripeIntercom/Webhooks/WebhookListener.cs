using System;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Webhooks;

/// <summary>
/// A small HTTP/1.1 endpoint for Stripe webhooks: verifies each POST, hands it to the processor and answers
/// at once, because Stripe times out and retries slow endpoints. It is written for the open internet: no
/// sender can hold it up or grow its memory without bound.
/// </summary>
/// <remarks>
/// <para>
/// It serves sockets itself rather than through <see cref="HttpListener"/>, whose managed implementation
/// (Linux, macOS) has no deadline for headers after their first byte nor for a body, and drains unread
/// bodies on a blocked thread. Here every request has a header deadline and a body deadline (the
/// connection is closed when one passes), the body is read incrementally up to its limit, at most
/// <see cref="WebhookListenerOptions.MaxConcurrentRequests"/> requests are read at once (503 beyond), and
/// every response closes its connection.
/// </para>
/// <para>
/// Answers: 200 to every verified delivery, including duplicates and ignored types (Stripe would otherwise
/// retry them for days), sent before anything is reported; 503 to a verified delivery once the processor no longer
/// accepts any (stopped for an error, or stopping), so that Stripe delivers it again; a bare 400 (no reason: that
/// stays local) when verification fails; 404 for another path than the prefix's (any path when the prefix's path is
/// /); 405 for other methods; 411, 413, 431 for a missing length or a body or headers too large; 503 when full.
/// Rejections are not reported one by one: a summary of counts per reason and remote address goes to the
/// observer every <see cref="WebhookListenerOptions.RejectionSummaryInterval"/> and when the listener stops.
/// Reports go through a bounded queue served by one task, so a slow observer (output) never holds up an
/// acknowledgement; what does not fit is dropped and counted. Plain http only: put it behind a TLS proxy or
/// tunnel, as Stripe delivers to https.
/// </para>
/// <para>
/// This class binds and owns the listener's life; the rest is split by concern: <see cref="WebhookPrefix"/> (parsing
/// and matching the prefix), <see cref="WebhookRequestLimits"/> and <see cref="RequestDeadline"/> (sizes, deadlines,
/// requests at once), <see cref="WebhookConnections"/> (the accept loop, each request and its answer) and
/// <see cref="WebhookRejectionSummary"/> (the counts of refused requests).
/// </para>
/// </remarks>
public sealed class WebhookListener
{
    /// <summary>Stripe events are a few KB; anything far larger is not one.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private static readonly TimeSpan ReportDrainTimeout = TimeSpan.FromSeconds(30);

    private readonly WebhookPrefix _prefix;
    private readonly StripeWebhookVerifier _verifier;
    private readonly WebhookProcessor _processor;
    private readonly Action<WebhookActivity>? _onActivity;
    private readonly WebhookListenerOptions _options;
    private readonly WebhookRequestLimits _limits;
    private readonly WebhookRejectionSummary _rejections = new WebhookRejectionSummary();
    private WebhookConnections? _connections;
    private ReportQueue? _reports;

    /// <param name="prefix">
    /// Where to listen: http://HOST:PORT/PATH/ (ending with /). HOST is an IP address, localhost, or + or * for
    /// every interface; PORT 0 picks a free port (see <see cref="ListeningOn"/>). With a PATH other than /,
    /// only that path is served.
    /// </param>
    /// <param name="onActivity">
    /// Told about the rejection summaries (Rejected activities), from the listener's report thread, never on
    /// a request's path. What happened to each acknowledged delivery (Received, Duplicate, Ignored, ...) goes
    /// to the processor's observer, from the same thread, after the acknowledgement was sent.
    /// </param>
    public WebhookListener(
        string prefix,
        StripeWebhookVerifier verifier,
        WebhookProcessor processor,
        Action<WebhookActivity>? onActivity = null,
        WebhookListenerOptions? options = null)
        : this(WebhookPrefix.Parse(prefix), verifier, processor, onActivity, options)
    {
    }

    internal WebhookListener(
        WebhookPrefix prefix,
        StripeWebhookVerifier verifier,
        WebhookProcessor processor,
        Action<WebhookActivity>? onActivity,
        WebhookListenerOptions? options)
    {
        _prefix = prefix ?? throw new ArgumentNullException(nameof(prefix));
        _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
        _processor = processor ?? throw new ArgumentNullException(nameof(processor));
        _onActivity = onActivity;
        _options = options ?? new WebhookListenerOptions();
        _limits = new WebhookRequestLimits(_options);
    }

    public string Prefix => _prefix.Text;

    /// <summary>The URL it actually listens on (the real port when the prefix asked for 0), once started.</summary>
    public Uri? ListeningOn { get; private set; }

    /// <summary>Deliveries verified and acknowledged with 200.</summary>
    public long Acknowledged => _connections?.Acknowledged ?? 0;

    /// <summary>Requests refused for any reason (busy, deadline, size, path, method, verification, stopped).</summary>
    public long Rejected => _rejections.Total;

    /// <summary>
    /// Listens until <paramref name="cancellationToken"/> fires, then returns (no exception). The endpoint
    /// already accepts requests when this method returns its task. Stopping the processor is the
    /// caller's job (<see cref="WebhookProcessor.StopAsync"/>), so it can decide how long to drain.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The prefix cannot be listened on (in use, or not allowed).
    /// </exception>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        var socket = Bind();
        ListeningOn = _prefix.UrlFor((IPEndPoint)socket.LocalEndPoint!);
        _reports = new ReportQueue(_options.MaxPendingReports, "StripeIntercom webhook listener reports");
        _connections = new WebhookConnections(_prefix, _verifier, _processor, _limits, _rejections, _reports);
        return ServeUntilCancelledAsync(_connections, socket, _reports, cancellationToken);
    }

    private Socket Bind()
    {
        var address = _prefix.ResolveAddress();
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                // Nobody else may bind the same port while it listens.
                socket.ExclusiveAddressUse = true;
            }
            else
            {
                // A restart may bind again at once although answered connections linger in TIME_WAIT
                // (on Unix this never lets two listeners share the port).
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            socket.Bind(new IPEndPoint(address, _prefix.Port));
            socket.Listen(1024);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new InvalidOperationException($"Cannot listen on {_prefix.Text}: {ex.Message}", ex);
        }
    }

    private async Task ServeUntilCancelledAsync(WebhookConnections connections, Socket socket, ReportQueue reports,
        CancellationToken cancellationToken)
    {
        var interval = _options.RejectionSummaryInterval;
        using (new Timer(_ => SummariseRejections(reports), null, interval, interval))
        {
            await connections.AcceptUntilCancelledAsync(socket, cancellationToken).ConfigureAwait(false);
        }

        SummariseRejections(reports);
        await Task.Run(() => reports.Complete(ReportDrainTimeout)).ConfigureAwait(false);
    }

    private void SummariseRejections(ReportQueue reports)
    {
        if (_rejections.TakeSummary(reports.TakeDropped()) is { } summary)
        {
            reports.Post(() => _onActivity?.Invoke(summary), always: true);
        }
    }
}
