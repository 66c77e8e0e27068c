using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Webhooks;

/// <summary>
/// The listener's connections: the accept loop, and for each connection one request read within the limits, verified,
/// handed to the processor and answered, then the connection closed. Every response closes its connection.
/// </summary>
internal sealed class WebhookConnections
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LingerTime = TimeSpan.FromMilliseconds(500);
    private const int LingerBytes = 64 * 1024;

    private readonly WebhookPrefix _prefix;
    private readonly StripeWebhookVerifier _verifier;
    private readonly WebhookProcessor _processor;
    private readonly WebhookRequestLimits _limits;
    private readonly WebhookRejectionSummary _rejections;
    private readonly ReportQueue _reports;
    private long _acknowledged;

    public WebhookConnections(WebhookPrefix prefix, StripeWebhookVerifier verifier, WebhookProcessor processor,
        WebhookRequestLimits limits, WebhookRejectionSummary rejections, ReportQueue reports)
    {
        _prefix = prefix;
        _verifier = verifier;
        _processor = processor;
        _limits = limits;
        _rejections = rejections;
        _reports = reports;
    }

    /// <summary>Deliveries verified and acknowledged with 200.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>
    /// Accepts connections until <paramref name="cancellationToken"/> fires, then lets the requests being answered
    /// finish (for a short grace) and cuts the rest. Closes <paramref name="listenSocket"/>.
    /// </summary>
    public async Task AcceptUntilCancelledAsync(Socket listenSocket, CancellationToken cancellationToken)
    {
        var open = new ConcurrentDictionary<Socket, Task>();
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
                    catch (Exception ex) when (cancellationToken.IsCancellationRequested
                        && (ex is SocketException || ex is ObjectDisposedException))
                    {
                        break;
                    }
                    catch (SocketException)
                    {
                        // A client that gave up before it was accepted, or out of descriptors: keep going, not hot.
                        await Task.Delay(20).ConfigureAwait(false);
                        continue;
                    }

                    if (!_limits.TryEnter())
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

    private async Task ServeAsync(Socket socket, ConcurrentDictionary<Socket, Task> open)
    {
        // Off the accept loop at once: the first read may complete synchronously.
        await Task.Yield();
        var remote = RemoteAddress(socket);
        var deadline = new RequestDeadline(socket);
        try
        {
            await HandleAsync(socket, remote, deadline).ConfigureAwait(false);
        }
        catch (HttpRequestRejection rejection)
        {
            _rejections.Count(rejection.Reason, remote);
            if (rejection.Status != 0 && deadline.Fired is null)
            {
                await TryRespondAsync(socket, deadline, rejection.Status, null).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
            when (ex is SocketException || ex is ObjectDisposedException || ex is System.IO.IOException)
        {
            // A deadline closed the socket, or the client went away; Stripe retries what it did not see acknowledged.
            _rejections.Count(deadline.Fired ?? "ConnectionLost", remote);
        }
        catch (Exception)
        {
            // A bug must not end the accept loop or leave Stripe waiting for its timeout; a 500 makes Stripe retry.
            _rejections.Count("InternalError", remote);
            await TryRespondAsync(socket, deadline, 500, null).ConfigureAwait(false);
        }
        finally
        {
            deadline.Dispose();
            socket.Dispose();
            open.TryRemove(socket, out _);
            _limits.Exit();
        }
    }

    private async Task HandleAsync(Socket socket, string remote, RequestDeadline deadline)
    {
        var reader = new HttpRequestReader(socket, _limits.MaxHeaderBytes);
        deadline.Arm(_limits.HeaderTimeout, "HeaderTimeout");
        var head = await reader.ReadHeadAsync().ConfigureAwait(false);
        deadline.Disarm();
        if (head is null)
        {
            return;
        }

        if (!_prefix.Serves(head.Path))
        {
            throw new HttpRequestRejection(404, "NotFound");
        }

        if (!string.Equals(head.Method, "POST", StringComparison.Ordinal))
        {
            _rejections.Count("MethodNotAllowed", remote);
            await RespondAsync(socket, deadline, 405, "Allow: POST\r\n").ConfigureAwait(false);
            await LingerAsync(socket, deadline).ConfigureAwait(false);
            return;
        }

        var (chunked, length) = _limits.CheckBodyFraming(head);

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

        deadline.Arm(_limits.BodyTimeout, "BodyTimeout");
        var body = chunked
            ? await reader.ReadChunkedBodyAsync(_limits.MaxBodyBytes).ConfigureAwait(false)
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
            _rejections.Count("Stopped", remote);
            await RespondAsync(socket, deadline, 503, "Retry-After: 60\r\n").ConfigureAwait(false);
            await LingerAsync(socket, deadline).ConfigureAwait(false);
            return;
        }

        await RespondAsync(socket, deadline, 200, null).ConfigureAwait(false);
        Interlocked.Increment(ref _acknowledged);
        _reports.Post(() => _processor.Publish(activity));
        await LingerAsync(socket, deadline).ConfigureAwait(false);
    }

    private async Task TryRespondAsync(Socket socket, RequestDeadline deadline, int status, string? extraHeaders)
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

    private Task RespondAsync(Socket socket, RequestDeadline deadline, int status, string? extraHeaders) =>
        SendAsync(socket, deadline, StatusLine(status) + "Content-Length: 0\r\nConnection: close\r\n" + extraHeaders
            + "\r\n");

    private async Task SendAsync(Socket socket, RequestDeadline deadline, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        deadline.Arm(_limits.WriteTimeout, "WriteTimeout");
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await socket.SendAsync(new ArraySegment<byte>(bytes, sent, bytes.Length - sent), SocketFlags.None)
                .ConfigureAwait(false);
        }

        deadline.Disarm();
    }

    /// <summary>
    /// Half-closes and reads briefly what the client still sends, so that closing with unread bytes does not
    /// reset the connection before the client has read the answer.
    /// </summary>
    private static async Task LingerAsync(Socket socket, RequestDeadline deadline)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            deadline.Arm(LingerTime, "Linger");
            var buffer = new byte[4096];
            var drained = 0;
            while (drained < LingerBytes)
            {
                var read = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None)
                    .ConfigureAwait(false);
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
        _rejections.Count("Busy", remote);
        try
        {
            // Never wait on a client here: the accept loop must keep going. A fresh socket's send buffer takes this
            // at once.
            client.Blocking = false;
            client.Send(Encoding.ASCII.GetBytes(
                StatusLine(503) + "Content-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"));
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
}
