using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StripeIntercom.Sync;
using StripeIntercom.Webhooks;
using Xunit;
using Xunit.Abstractions;
using static StripeIntercom.Tests.Webhooks.SignedDeliveries;

namespace StripeIntercom.Tests.Webhooks;

/// <summary>
/// What a hostile or broken sender can do to the listener: hold connections, send slowly, send too much.
/// </summary>
public sealed class WebhookListenerLimitsTests(ITestOutputHelper output) : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<WebhookActivity> _activities = new();
    private readonly ConcurrentQueue<string> _synced = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private readonly List<TcpClient> _raw = new();
    private WebhookProcessor? _processor;
    private WebhookListener _listener = null!;
    private Task _listening = Task.CompletedTask;

    private Uri Url => _listener.ListeningOn!;

    private WebhookActivityQueue? _outbox;

    /// <summary>
    /// Wired as Start-StripeWebhookListener wires it: the processor's workers report through a queue.
    /// </summary>
    private void Start(WebhookListenerOptions? options = null, string path = "/stripe/",
        Action<WebhookActivity>? observe = null)
    {
        observe ??= _activities.Enqueue;
        _outbox = new WebhookActivityQueue(observe, capacity: 8);
        _processor = new WebhookProcessor(
            (id, _) =>
            {
                _synced.Enqueue(id);
                return Task.FromResult(new SyncResult { CustomerId = id, Action = SyncAction.Updated });
            },
            _outbox.Post);
        _listener = new WebhookListener($"http://127.0.0.1:0{path}",
            new StripeWebhookVerifier(Secret, TimeSpan.FromMinutes(5)), _processor, observe, options);
        _listening = _listener.RunAsync(_stop.Token);
    }

    private async Task<HttpStatusCode> Deliver(string eventId, string customerId = "cus_limits", Uri? url = null)
    {
        var payload = Payload(eventId, "customer.updated", customerId);
        using var request = new HttpRequestMessage(HttpMethod.Post, url ?? Url)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", Sign(payload));
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<TcpClient> Connect()
    {
        var client = new TcpClient();
        lock (_raw)
        {
            _raw.Add(client);
        }

        await client.ConnectAsync(IPAddress.Loopback, Url.Port);
        return client;
    }

    /// <summary>
    /// The status line the listener answers on a raw connection, or null when it closed without answering.
    /// </summary>
    private static async Task<string?> ReadStatusLine(TcpClient client, TimeSpan within)
    {
        var stream = client.GetStream();
        var buffer = new byte[1024];
        var text = new StringBuilder();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (!text.ToString().Contains("\r\n"))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
        }

        var all = text.ToString();
        return all.Length == 0 ? null : all.Split("\r\n")[0];
    }

    private static async Task<bool> ClosedWithin(TcpClient client, TimeSpan within)
    {
        var stream = client.GetStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<string> StopAndSummarise()
    {
        _stop.Cancel();
        await _listening.WaitAsync(Patience);
        return string.Join(" | ", _activities.Where(a => a.Kind == WebhookActivityKind.Rejected).Select(a => a.Detail));
    }

    [Fact]
    public async Task Only_the_prefix_path_is_served_and_other_paths_get_404()
    {
        Start(path: "/hooks/stripe/");

        Assert.Equal(HttpStatusCode.OK, await Deliver("evt_path_1"));
        Assert.Equal(HttpStatusCode.OK, await Deliver("evt_path_2", url: new Uri(Url, "/hooks/stripe")));
        Assert.Equal(HttpStatusCode.OK, await Deliver("evt_path_3", url: new Uri(Url, "/hooks/stripe?x=1")));
        Assert.Equal(HttpStatusCode.NotFound, await Deliver("evt_path_4", url: new Uri(Url, "/")));
        Assert.Equal(HttpStatusCode.NotFound, await Deliver("evt_path_5", url: new Uri(Url, "/hooks/stripe/more")));

        Assert.Contains("NotFound 2 from 127.0.0.1", await StopAndSummarise());
        Assert.Equal(3, _listener.Acknowledged);
    }

    [Fact]
    public async Task Requests_beyond_the_cap_get_503_at_once_and_a_slot_frees_when_a_request_ends()
    {
        Start(new WebhookListenerOptions { MaxConcurrentRequests = 2, HeaderTimeout = TimeSpan.FromSeconds(20) });
        var holders = new[] { await Connect(), await Connect() };
        foreach (var holder in holders)
        {
            await holder.GetStream().WriteAsync(Encoding.ASCII.GetBytes("POST /stripe/ HTTP/1.1\r\nHost: x\r\n"));
        }

        await Task.Delay(200);
        var third = await Connect();
        var watch = Stopwatch.StartNew();
        Assert.Equal("HTTP/1.1 503 Service Unavailable", await ReadStatusLine(third, TimeSpan.FromSeconds(5)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"503 took {watch.Elapsed}");

        holders[0].Close();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        while ((status = await Deliver("evt_after_busy")) != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Busy", await StopAndSummarise());
    }

    [Fact]
    public async Task Slow_headers_and_slow_bodies_are_cut_at_their_deadlines()
    {
        Start(new WebhookListenerOptions
        {
            HeaderTimeout = TimeSpan.FromSeconds(1),
            BodyTimeout = TimeSpan.FromSeconds(1),
        });
        var slowHeaders = await Connect();
        await slowHeaders.GetStream().WriteAsync(Encoding.ASCII.GetBytes("POST /stripe/ HTTP/1.1\r\nHost: x\r\n"));
        var slowBody = await Connect();
        await slowBody.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /stripe/ HTTP/1.1\r\nHost: x\r\nStripe-Signature: {Sign("x")}\r\n"
            + "Content-Length: 100\r\n\r\n0123456789"));
        var silent = await Connect();

        var watch = Stopwatch.StartNew();
        Assert.True(await ClosedWithin(slowHeaders, TimeSpan.FromSeconds(5)), "slow headers still open");
        Assert.True(await ClosedWithin(slowBody, TimeSpan.FromSeconds(5)), "slow body still open");
        Assert.True(await ClosedWithin(silent, TimeSpan.FromSeconds(5)), "silent connection still open");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"cut after {watch.Elapsed}");

        var summary = await StopAndSummarise();
        Assert.Contains("HeaderTimeout 2 from 127.0.0.1", summary);
        Assert.Contains("BodyTimeout 1 from 127.0.0.1", summary);
    }

    [Fact]
    public async Task Bodies_over_the_limit_get_413_and_chunked_bodies_are_read()
    {
        Start();
        var big = await Connect();
        await big.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /stripe/ HTTP/1.1\r\nHost: x\r\nContent-Length: {WebhookListener.MaxBodyBytes + 1}\r\n\r\n"));
        Assert.Equal("HTTP/1.1 413 Payload Too Large", await ReadStatusLine(big, TimeSpan.FromSeconds(5)));

        var noLength = await Connect();
        await noLength.GetStream().WriteAsync(Encoding.ASCII.GetBytes("POST /stripe/ HTTP/1.1\r\nHost: x\r\n\r\n"));
        Assert.Equal("HTTP/1.1 411 Length Required", await ReadStatusLine(noLength, TimeSpan.FromSeconds(5)));

        var garbage = await Connect();
        await garbage.GetStream().WriteAsync(Encoding.ASCII.GetBytes("HELLO\r\n\r\n"));
        Assert.Equal("HTTP/1.1 400 Bad Request", await ReadStatusLine(garbage, TimeSpan.FromSeconds(5)));

        var payload = Payload("evt_chunked", "customer.updated", "cus_chunked");
        var bytes = Encoding.UTF8.GetBytes(payload);
        var chunked = new StringBuilder(
            "POST /stripe/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            + $"Stripe-Signature: {Sign(payload)}\r\n\r\n");
        for (var i = 0; i < bytes.Length; i += 100)
        {
            var part = Encoding.UTF8.GetString(bytes, i, Math.Min(100, bytes.Length - i));
            chunked.Append($"{Math.Min(100, bytes.Length - i):x}\r\n{part}\r\n");
        }

        chunked.Append("0\r\n\r\n");
        var streamed = await Connect();
        await streamed.GetStream().WriteAsync(Encoding.UTF8.GetBytes(chunked.ToString()));
        Assert.Equal("HTTP/1.1 200 OK", await ReadStatusLine(streamed, TimeSpan.FromSeconds(5)));

        var summary = await StopAndSummarise();
        Assert.Contains("BodyTooLarge 1", summary);
        Assert.Contains("LengthRequired 1", summary);
        Assert.Contains("BadRequest 1", summary);
    }

    [Fact]
    public async Task Output_that_blocks_cannot_hold_up_acknowledgements()
    {
        using var release = new ManualResetEventSlim(false);
        var seen = 0;
        Start(new WebhookListenerOptions { MaxPendingReports = 4 }, observe: activity =>
        {
            Interlocked.Increment(ref seen);
            release.Wait(TimeSpan.FromSeconds(30));
            _activities.Enqueue(activity);
        });

        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 40; i++)
        {
            var watch = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.OK, await Deliver($"evt_blocked_{i}", $"cus_blocked_{i}"));
            if (watch.Elapsed > slowest)
            {
                slowest = watch.Elapsed;
            }
        }

        output.WriteLine($"slowest acknowledgement with blocked output: {slowest}");
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"an acknowledgement took {slowest}");
        // The listener counts an acknowledgement once its 200 is sent: the sender may see the 200 a moment before.
        var counting = Stopwatch.StartNew();
        while (_listener.Acknowledged < 40 && counting.Elapsed < Patience)
        {
            await Task.Delay(10);
        }

        Assert.Equal(40, _listener.Acknowledged);

        release.Set();
        await StopAndSummarise();
        await _processor!.StopAsync().WaitAsync(Patience);
        Assert.True(_outbox!.Dropped > 0, "nothing was dropped although output was blocked");
        Assert.Equal(40, _synced.Distinct().Count());
    }

    [Fact]
    public async Task A_stopped_listener_can_listen_again_on_the_same_port_at_once()
    {
        Start();
        Assert.Equal(HttpStatusCode.OK, await Deliver("evt_before_restart"));
        var port = Url.Port;
        _stop.Cancel();
        await _listening.WaitAsync(Patience);

        using var again = new CancellationTokenSource();
        var listener = new WebhookListener($"http://127.0.0.1:{port}/stripe/",
            new StripeWebhookVerifier(Secret, TimeSpan.FromMinutes(5)), _processor!);
        var listening = listener.RunAsync(again.Token);
        try
        {
            Assert.Equal(HttpStatusCode.OK, await Deliver("evt_after_restart", url: listener.ListeningOn));
        }
        finally
        {
            again.Cancel();
            await listening.WaitAsync(Patience);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        lock (_raw)
        {
            foreach (var client in _raw)
            {
                client.Dispose();
            }
        }

        await _listening.WaitAsync(Patience);
        _processor?.Dispose();
        _outbox?.Dispose();
        _http.Dispose();
    }
}
