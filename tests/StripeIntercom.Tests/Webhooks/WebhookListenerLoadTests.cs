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

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WebhookLoadCollection
{
    public const string Name = "Webhook listener under load (alone, so its memory reading is its own)";
}

/// <summary>
/// 200 slow senders and 1 MB bodies against one listener on 127.0.0.1, for a bounded time: a valid delivery must
/// still be acknowledged within 2 s and memory must stay bounded. Everything stops by itself within ~15 s.
/// </summary>
[Collection(WebhookLoadCollection.Name)]
public sealed class WebhookListenerLoadTests(ITestOutputHelper output)
{
    private const int SlowHeaderClients = 100;
    private const int SlowBodyClients = 100;
    private const int BigBodySenders = 4;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task
        Two_hundred_slow_clients_and_1_MB_bodies_do_not_delay_a_valid_delivery_or_grow_memory_without_bound()
    {
        var activities = new System.Collections.Concurrent.ConcurrentQueue<WebhookActivity>();
        using var outbox = new WebhookActivityQueue(activities.Enqueue);
        using var processor = new WebhookProcessor(
            (id, _) => Task.FromResult(new SyncResult { CustomerId = id, Action = SyncAction.Updated }), outbox.Post);
        var listener = new WebhookListener("http://127.0.0.1:0/stripe/",
            new StripeWebhookVerifier(Secret, TimeSpan.FromMinutes(5)), processor, activities.Enqueue,
            new WebhookListenerOptions { HeaderTimeout = Deadline, BodyTimeout = Deadline });
        using var stop = new CancellationTokenSource();
        // The load stops by itself, whatever happens.
        using var load = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var listening = listener.RunAsync(stop.Token);
        var port = listener.ListeningOn!.Port;

        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var baseline = self.WorkingSet64;
        var peak = baseline;
        var sampling = Task.Run(async () =>
        {
            while (!load.IsCancellationRequested)
            {
                self.Refresh();
                peak = Math.Max(peak, self.WorkingSet64);
                await Task.Delay(50);
            }
        });

        var clients = new List<TcpClient>();
        var oneMegabyte = new byte[WebhookListener.MaxBodyBytes];
        Array.Fill(oneMegabyte, (byte)'x');
        try
        {
            // 100 senders that never finish their headers, 100 that announce 1 MB and stall after half of it.
            var slow = new List<Task>();
            for (var i = 0; i < SlowHeaderClients + SlowBodyClients; i++)
            {
                var client = new TcpClient();
                clients.Add(client);
                var stalledBody = i >= SlowHeaderClients;
                slow.Add(Task.Run(async () =>
                {
                    await client.ConnectAsync(IPAddress.Loopback, port, load.Token);
                    var stream = client.GetStream();
                    if (stalledBody)
                    {
                        await stream.WriteAsync(
                            Encoding.ASCII.GetBytes(
                                $"POST /stripe/ HTTP/1.1\r\nHost: x\r\nStripe-Signature: {Sign("another body")}\r\n"
                                + $"Content-Length: {oneMegabyte.Length}\r\n\r\n"),
                            load.Token);
                        await stream.WriteAsync(oneMegabyte.AsMemory(0, oneMegabyte.Length / 2), load.Token);
                    }
                    else
                    {
                        await stream.WriteAsync(
                            Encoding.ASCII.GetBytes("POST /stripe/ HTTP/1.1\r\nHost: x\r\n"), load.Token);
                    }

                    // A byte now and then, to look alive.
                    while (!load.IsCancellationRequested)
                    {
                        await Task.Delay(500, load.Token);
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(stalledBody ? "x" : "X"), load.Token);
                    }
                }));
            }

            // Senders of complete 1 MB bodies (not Stripe events), again and again: half with a current timestamp
            // (the body is read and its signature checked), half with a stale one (refused on the header alone).
            var bigSends = 0;
            var big = Enumerable.Range(0, BigBodySenders).Select(n => Task.Run(async () =>
            {
                using var http = new HttpClient();
                while (!load.IsCancellationRequested)
                {
                    using var content = new ByteArrayContent(oneMegabyte);
                    using var request =
                        new HttpRequestMessage(HttpMethod.Post, listener.ListeningOn) { Content = content };
                    request.Headers.TryAddWithoutValidation("Stripe-Signature",
                        n % 2 == 0 ? Sign("another body") : "t=1,v1=00");
                    try
                    {
                        // Refused on the header alone, the rest of the body may meet a closed connection.
                        using var response = await http.SendAsync(request, load.Token);
                        Interlocked.Increment(ref bigSends);
                    }
                    catch (HttpRequestException)
                    {
                    }

                    // Enough to matter (tens of MB a second), not so much that a shared CI machine does nothing else.
                    await Task.Delay(20, load.Token).ContinueWith(_ => { });
                }
            })).ToList();

            await Task.Delay(TimeSpan.FromSeconds(1.5));

            // Stripe's deliveries still go through, each within 2 s.
            using var stripe = new HttpClient();
            var slowest = TimeSpan.Zero;
            for (var i = 0; i < 5; i++)
            {
                var payload = Payload($"evt_load_{i}", "customer.updated", $"cus_load_{i}");
                using var request = new HttpRequestMessage(HttpMethod.Post, listener.ListeningOn)
                {
                    Content = new StringContent(payload, Encoding.UTF8, "application/json"),
                };
                request.Headers.TryAddWithoutValidation("Stripe-Signature", Sign(payload));
                var watch = Stopwatch.StartNew();
                using var response = await stripe.SendAsync(request);
                watch.Stop();
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
                await Task.Delay(300);
            }

            // The slow ones are cut at their deadlines.
            await Task.Delay(Deadline + TimeSpan.FromSeconds(1.5));
            var stillOpen = clients.Count(c => IsOpen(c));
            load.Cancel();
            await Task.WhenAll(slow.Concat(big).Select(t => t.ContinueWith(_ => { })));
            await sampling;
            stop.Cancel();
            await listening.WaitAsync(TimeSpan.FromSeconds(30));

            var summary = string.Join(" | ",
                activities.Where(a => a.Kind == WebhookActivityKind.Rejected).Select(a => a.Detail));
            var growth = (peak - baseline) / (1024.0 * 1024.0);
            output.WriteLine(
                $"slowest valid acknowledgement {slowest.TotalMilliseconds:0} ms; {bigSends} 1 MB bodies refused; "
                + $"working set {baseline / 1048576.0:0} MB before, peak {peak / 1048576.0:0} MB (+{growth:0} MB); "
                + $"still open after the deadlines: {stillOpen}");
            output.WriteLine(summary);

            Assert.True(slowest < TimeSpan.FromSeconds(2), $"a valid delivery waited {slowest}");
            Assert.True(growth < 200, $"working set grew by {growth:0} MB");
            Assert.True(bigSends > 0, "no 1 MB body was answered");
            Assert.Equal(0, stillOpen);
            Assert.Contains($"HeaderTimeout {SlowHeaderClients} from 127.0.0.1", summary);
            Assert.Contains($"BodyTimeout {SlowBodyClients} from 127.0.0.1", summary);
            Assert.Contains("BadSignature", summary);
            Assert.Contains("StaleTimestamp", summary);
            Assert.Equal(5, listener.Acknowledged);
        }
        finally
        {
            load.Cancel();
            stop.Cancel();
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>True while the server has not closed the connection (a read would not return end of stream).</summary>
    private static bool IsOpen(TcpClient client)
    {
        try
        {
            var socket = client.Client;
            if (!socket.Poll(0, SelectMode.SelectRead))
            {
                return true;
            }

            var buffer = new byte[4096];
            while (socket.Available > 0)
            {
                socket.Receive(buffer);
            }

            return socket.Poll(0, SelectMode.SelectRead) && socket.Available > 0;
        }
        catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException)
        {
            return false;
        }
    }
}
