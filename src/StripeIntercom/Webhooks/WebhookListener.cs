using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
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
/// retry them for days), sent before anything is reported; a bare 400 (no reason: that stays local) when
/// verification fails; 404 for another path than the prefix's (any path when the prefix's path is /); 405
/// for other methods; 411, 413, 431 for a missing length or a body or headers too large; 503 when full.
/// Rejections are not reported one by one: a summary of counts per reason and remote address goes to the
/// observer every <see cref="WebhookListenerOptions.RejectionSummaryInterval"/> and when the listener stops.
/// Reports go through a bounded queue served by one task, so a slow observer (output) never holds up an
/// acknowledgement; what does not fit is dropped and counted. Plain http only: put it behind a TLS proxy or
/// tunnel, as Stripe delivers to https.
/// </para>
/// </remarks>
public sealed class WebhookListener
{
    /// <summary>Stripe events are a few KB; anything far larger is not one.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ReportDrainTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LingerTime = TimeSpan.FromMilliseconds(500);
    private const int LingerBytes = 64 * 1024;

    private readonly string _prefix;
    private readonly string _host;
    private readonly int _port;
    private readonly string _path;
    private readonly StripeWebhookVerifier _verifier;
    private readonly WebhookProcessor _processor;
    private readonly Action<WebhookActivity>? _onActivity;
    private readonly WebhookListenerOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly object _rejectionGate = new object();
    private Dictionary<(string Reason, string Address), int> _rejections = new Dictionary<(string, string), int>();
    private DateTimeOffset _windowStart = DateTimeOffset.UtcNow;
    private ReportQueue? _reports;
    private long _acknowledged;
    private long _rejected;

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
    {
        (_host, _port, _path) = ParsePrefix(prefix);
        _prefix = prefix;
        _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
        _processor = processor ?? throw new ArgumentNullException(nameof(processor));
        _onActivity = onActivity;
        _options = options ?? new WebhookListenerOptions();
        _options.Validate();
        _slots = new SemaphoreSlim(_options.MaxConcurrentRequests, _options.MaxConcurrentRequests);
    }

    public string Prefix => _prefix;

    /// <summary>The URL it actually listens on (the real port when the prefix asked for 0), once started.</summary>
    public Uri? ListeningOn { get; private set; }

    /// <summary>Deliveries verified and acknowledged with 200.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Requests refused for any reason (busy, deadline, size, path, method, verification).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>
    /// Listens until <paramref name="cancellationToken"/> fires, then returns (no exception). The endpoint
    /// already accepts requests when this method returns its task. Stopping the processor is the
    /// caller's job (<see cref="WebhookProcessor.StopAsync"/>), so it can decide how long to drain.
    /// </summary>
    /// <exception cref="InvalidOperationException">The prefix cannot be listened on (in use, or not allowed).</exception>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        var address = ResolveAddress(_host);
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

            socket.Bind(new IPEndPoint(address, _port));
            socket.Listen(1024);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new InvalidOperationException($"Cannot listen on {_prefix}: {ex.Message}", ex);
        }

        var bound = (IPEndPoint)socket.LocalEndPoint!;
        var shownHost = bound.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{bound.Address}]" : bound.Address.ToString();
        ListeningOn = new Uri($"http://{shownHost}:{bound.Port.ToString(CultureInfo.InvariantCulture)}{_path}");
        _reports = new ReportQueue(_options.MaxPendingReports, "StripeIntercom webhook listener reports");
        return AcceptUntilCancelledAsync(socket, cancellationToken);
    }

    private async Task AcceptUntilCancelledAsync(Socket listenSocket, CancellationToken cancellationToken)
    {
        var reports = _reports!;
        var open = new ConcurrentDictionary<Socket, Task>();
        using (var summaries = new Timer(_ => SummariseRejections(), null, _options.RejectionSummaryInterval, _options.RejectionSummaryInterval))
        {
            try
            {
                // AcceptAsync takes no token; closing the socket is what ends a pending accept.
                using (cancellationToken.Register(() => listenSocket.Dispose()))
                {
                    while (!cancellationToken.IsCancellationRequested)
                    {
                        Socket client;
                        try
                        {
                            client = await listenSocket.AcceptAsync().ConfigureAwait(false);
                        }
                        catch (Exception ex) when (cancellationToken.IsCancellationRequested && (ex is SocketException || ex is ObjectDisposedException))
                        {
                            break;
                        }
                        catch (SocketException)
                        {
                            // A client that gave up before it was accepted, or out of descriptors: keep going, not hot.
                            await Task.Delay(20).ConfigureAwait(false);
                            continue;
                        }

                        if (!_slots.Wait(0))
                        {
                            RefuseBusy(client);
                            continue;
                        }

                        // Registered before it starts, so a request that ends at once cannot leave a stale entry.
                        open[client] = Task.CompletedTask;
                        open.TryUpdate(client, ServeAsync(client, open), Task.CompletedTask);
                    }
                }
            }
            finally
            {
                listenSocket.Dispose();
            }

            // Let requests being answered finish, then cut the rest (slow senders are not waited for).
            await Task.WhenAny(Task.WhenAll(open.Values.ToArray()), Task.Delay(StopGrace)).ConfigureAwait(false);
            foreach (var socket in open.Keys)
            {
                socket.Dispose();
            }

            await Task.WhenAll(open.Values.ToArray()).ConfigureAwait(false);
        }

        SummariseRejections();
        await Task.Run(() => reports.Complete(ReportDrainTimeout)).ConfigureAwait(false);
    }

    private async Task ServeAsync(Socket socket, ConcurrentDictionary<Socket, Task> open)
    {
        // Off the accept loop at once: the first read may complete synchronously.
        await Task.Yield();
        var remote = RemoteAddress(socket);
        var deadline = new Deadline(socket);
        try
        {
            await HandleAsync(socket, remote, deadline).ConfigureAwait(false);
        }
        catch (HttpRequestRejection rejection)
        {
            Reject(rejection.Reason, remote);
            if (rejection.Status != 0 && deadline.Fired is null)
            {
                await TryRespondAsync(socket, deadline, rejection.Status, null).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException || ex is System.IO.IOException)
        {
            // A deadline closed the socket, or the client went away; Stripe retries what it did not see acknowledged.
            Reject(deadline.Fired ?? "ConnectionLost", remote);
        }
        catch (Exception)
        {
            // A bug must not end the accept loop or leave Stripe waiting for its timeout; a 500 makes Stripe retry.
            Reject("InternalError", remote);
            await TryRespondAsync(socket, deadline, 500, null).ConfigureAwait(false);
        }
        finally
        {
            deadline.Dispose();
            socket.Dispose();
            open.TryRemove(socket, out _);
            _slots.Release();
        }
    }

    private async Task HandleAsync(Socket socket, string remote, Deadline deadline)
    {
        var reader = new HttpRequestReader(socket, _options.MaxHeaderBytes);
        deadline.Arm(_options.HeaderTimeout, "HeaderTimeout");
        var head = await reader.ReadHeadAsync().ConfigureAwait(false);
        deadline.Disarm();
        if (head is null)
        {
            return;
        }

        if (_path != "/" && !string.Equals(head.Path.TrimEnd('/'), _path.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            throw new HttpRequestRejection(404, "NotFound");
        }

        if (!string.Equals(head.Method, "POST", StringComparison.Ordinal))
        {
            Reject("MethodNotAllowed", remote);
            await RespondAsync(socket, deadline, 405, "Allow: POST\r\n").ConfigureAwait(false);
            await LingerAsync(socket, deadline).ConfigureAwait(false);
            return;
        }

        var transferEncoding = head.Header("Transfer-Encoding");
        var lengthText = head.Header("Content-Length");
        var chunked = false;
        long length = 0;
        if (transferEncoding is not null)
        {
            if (lengthText is not null || !string.Equals(transferEncoding.Trim(), "chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new HttpRequestRejection(400, "BadRequest");
            }

            chunked = true;
        }
        else if (lengthText is null)
        {
            throw new HttpRequestRejection(411, "LengthRequired");
        }
        else if (!long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out length))
        {
            throw new HttpRequestRejection(400, "BadRequest");
        }

        if (length > _options.MaxBodyBytes)
        {
            throw new HttpRequestRejection(413, "BodyTooLarge");
        }

        // What the header alone condemns is refused before a byte of the body is read.
        var signature = head.Header("Stripe-Signature");
        if (_verifier.CheckHeader(signature) is { } headerFailure)
        {
            throw new HttpRequestRejection(400, headerFailure.ToString());
        }

        if (string.Equals(head.Header("Expect")?.Trim(), "100-continue", StringComparison.OrdinalIgnoreCase))
        {
            await SendAsync(socket, deadline, "HTTP/1.1 100 Continue\r\n\r\n").ConfigureAwait(false);
        }

        deadline.Arm(_options.BodyTimeout, "BodyTimeout");
        var body = chunked
            ? await reader.ReadChunkedBodyAsync(_options.MaxBodyBytes).ConfigureAwait(false)
            : await reader.ReadFixedBodyAsync(length).ConfigureAwait(false);
        deadline.Disarm();

        // Checked on the blocks as received: a forged body, however large, is never copied or decoded.
        if (!_verifier.SignatureMatches(signature, body.Segments()))
        {
            throw new HttpRequestRejection(400, nameof(WebhookVerificationFailure.BadSignature));
        }

        var payload = Encoding.UTF8.GetString(body.ToArray());
        WebhookDelivery delivery;
        try
        {
            delivery = _verifier.Verify(payload, signature);
        }
        catch (WebhookVerificationException ex)
        {
            // A bare 400: why it failed is for the operator's summary, not for whoever sent it.
            throw new HttpRequestRejection(400, ex.Reason.ToString());
        }

        // Scheduled before the 200, so a sender that saw 200 can rely on it; reported only after it.
        _processor.TryEnqueue(delivery, out var activity, out var refused);
        if (refused)
        {
            // Stopped for an error (or stopping): a 200 would lose the delivery, a 503 makes Stripe deliver it again.
            Reject("Stopped", remote);
            await RespondAsync(socket, deadline, 503, "Retry-After: 60\r\n").ConfigureAwait(false);
            await LingerAsync(socket, deadline).ConfigureAwait(false);
            return;
        }

        await RespondAsync(socket, deadline, 200, null).ConfigureAwait(false);
        Interlocked.Increment(ref _acknowledged);
        _reports!.Post(() => _processor.Publish(activity));
        await LingerAsync(socket, deadline).ConfigureAwait(false);
    }

    private async Task TryRespondAsync(Socket socket, Deadline deadline, int status, string? extraHeaders)
    {
        try
        {
            await RespondAsync(socket, deadline, status, extraHeaders).ConfigureAwait(false);
            await LingerAsync(socket, deadline).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException || ex is HttpRequestRejection)
        {
            // Gone already; nothing more to say.
        }
    }

    private Task RespondAsync(Socket socket, Deadline deadline, int status, string? extraHeaders) =>
        SendAsync(socket, deadline, StatusLine(status) + "Content-Length: 0\r\nConnection: close\r\n" + extraHeaders + "\r\n");

    private async Task SendAsync(Socket socket, Deadline deadline, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        deadline.Arm(_options.WriteTimeout, "WriteTimeout");
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await socket.SendAsync(new ArraySegment<byte>(bytes, sent, bytes.Length - sent), SocketFlags.None).ConfigureAwait(false);
        }

        deadline.Disarm();
    }

    /// <summary>
    /// Half-closes and reads briefly what the client still sends, so that closing with unread bytes does not
    /// reset the connection before the client has read the answer.
    /// </summary>
    private static async Task LingerAsync(Socket socket, Deadline deadline)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            deadline.Arm(LingerTime, "Linger");
            var buffer = new byte[4096];
            var drained = 0;
            while (drained < LingerBytes)
            {
                var read = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                drained += read;
            }

            deadline.Disarm();
        }
        catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException)
        {
            // Closed by the client or by the linger deadline: either way the answer was sent.
        }
    }

    private void RefuseBusy(Socket client)
    {
        var remote = RemoteAddress(client);
        Reject("Busy", remote);
        try
        {
            // Never wait on a client here: the accept loop must keep going. A fresh socket's send buffer takes this at once.
            client.Blocking = false;
            client.Send(Encoding.ASCII.GetBytes(StatusLine(503) + "Content-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"));
            client.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    private void Reject(string reason, string remote)
    {
        Interlocked.Increment(ref _rejected);
        lock (_rejectionGate)
        {
            // Bounded: a flood from many addresses is folded into one line per reason.
            var key = (reason, remote);
            if (!_rejections.ContainsKey(key) && _rejections.Count >= 200)
            {
                key = (reason, "other addresses");
            }

            _rejections.TryGetValue(key, out var count);
            _rejections[key] = count + 1;
        }
    }

    private void SummariseRejections()
    {
        Dictionary<(string Reason, string Address), int> counts;
        DateTimeOffset since;
        lock (_rejectionGate)
        {
            counts = _rejections;
            since = _windowStart;
            _rejections = new Dictionary<(string, string), int>();
            _windowStart = DateTimeOffset.UtcNow;
        }

        var reports = _reports;
        var dropped = reports?.TakeDropped() ?? 0;
        if ((counts.Count == 0 && dropped == 0) || reports is null)
        {
            return;
        }

        var total = counts.Values.Sum();
        var seconds = Math.Max(1, (int)Math.Round((DateTimeOffset.UtcNow - since).TotalSeconds));
        var lines = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Reason, StringComparer.Ordinal).ThenBy(p => p.Key.Address, StringComparer.Ordinal)
            .Take(20)
            .Select(p => $"{p.Key.Reason} {p.Value} from {p.Key.Address}")
            .ToList();
        if (counts.Count > 20)
        {
            lines.Add($"and {counts.Count - 20} more");
        }

        var text = new StringBuilder();
        if (total > 0)
        {
            text.Append($"{total} webhook request(s) rejected in the last {seconds} s: ").Append(string.Join("; ", lines)).Append('.');
        }

        if (dropped > 0)
        {
            text.Append(text.Length > 0 ? " " : "").Append($"{dropped} activity report(s) dropped because output was slower than deliveries.");
        }

        var summary = new WebhookActivity(WebhookActivityKind.Rejected, null, detail: text.ToString());
        reports.Post(() => _onActivity?.Invoke(summary), always: true);
    }

    private static string StatusLine(int status)
    {
        string text;
        switch (status)
        {
            case 200: text = "OK"; break;
            case 400: text = "Bad Request"; break;
            case 404: text = "Not Found"; break;
            case 405: text = "Method Not Allowed"; break;
            case 411: text = "Length Required"; break;
            case 413: text = "Payload Too Large"; break;
            case 431: text = "Request Header Fields Too Large"; break;
            case 503: text = "Service Unavailable"; break;
            default: text = "Internal Server Error"; break;
        }

        return $"HTTP/1.1 {status.ToString(CultureInfo.InvariantCulture)} {text}\r\n";
    }

    private static string RemoteAddress(Socket socket)
    {
        try
        {
            var address = ((IPEndPoint)socket.RemoteEndPoint!).Address;
            return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
        }
        catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException)
        {
            return "unknown";
        }
    }

    private static (string Host, int Port, string Path) ParsePrefix(string prefix)
    {
        const string example = "for example http://127.0.0.1:8080/ or http://+:8080/stripe/";
        if (string.IsNullOrEmpty(prefix) || !prefix.EndsWith("/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The listener prefix must be a URL ending with '/', {example}.", nameof(prefix));
        }

        if (prefix.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                "The listener serves plain http: terminate TLS in front of it (a reverse proxy or tunnel) and give an http:// prefix.", nameof(prefix));
        }

        if (!prefix.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The listener prefix must start with http://, {example}.", nameof(prefix));
        }

        var rest = prefix.Substring("http://".Length);
        var slash = rest.IndexOf('/');
        var authority = rest.Substring(0, slash);
        var path = rest.Substring(slash);
        string host;
        var portText = "80";
        if (authority.StartsWith("[", StringComparison.Ordinal))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                throw new ArgumentException($"The listener prefix has a malformed IPv6 address, {example}.", nameof(prefix));
            }

            host = authority.Substring(1, close - 1);
            if (close + 1 < authority.Length)
            {
                if (authority[close + 1] != ':')
                {
                    throw new ArgumentException($"The listener prefix is malformed, {example}.", nameof(prefix));
                }

                portText = authority.Substring(close + 2);
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon >= 0 ? authority.Substring(0, colon) : authority;
            if (colon >= 0)
            {
                portText = authority.Substring(colon + 1);
            }
        }

        if (host.Length == 0 || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535
            || path.IndexOf('?') >= 0 || path.IndexOf('#') >= 0)
        {
            throw new ArgumentException($"The listener prefix is malformed, {example}.", nameof(prefix));
        }

        return (host, port, path);
    }

    private static IPAddress ResolveAddress(string host)
    {
        if (host == "+" || host == "*")
        {
            return IPAddress.Any;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.First();
        }
        catch (Exception ex) when (ex is SocketException || ex is InvalidOperationException)
        {
            throw new InvalidOperationException($"Cannot listen on {host}: it does not resolve to an address of this machine.", ex);
        }
    }

    /// <summary>Closes the socket when the armed time passes, which ends any pending read or write on it.</summary>
    private sealed class Deadline : IDisposable
    {
        private readonly Socket _socket;
        private readonly Timer _timer;
        private volatile string? _armedFor;
        private volatile string? _fired;

        public Deadline(Socket socket)
        {
            _socket = socket;
            _timer = new Timer(_ => Fire(), null, Timeout.Infinite, Timeout.Infinite);
        }

        /// <summary>The reason of the deadline that closed the socket, or null.</summary>
        public string? Fired => _fired;

        public void Arm(TimeSpan after, string reason)
        {
            _armedFor = reason;
            _timer.Change(after, Timeout.InfiniteTimeSpan);
        }

        public void Disarm() => _timer.Change(Timeout.Infinite, Timeout.Infinite);

        public void Dispose() => _timer.Dispose();

        private void Fire()
        {
            _fired = _armedFor;
            try
            {
                _socket.Dispose();
            }
            catch (Exception)
            {
            }
        }
    }
}
