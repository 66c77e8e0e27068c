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

public sealed class WebhookListenerTests(ITestOutputHelper output) : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // Stands in for Stripe: the current state of each customer, which a sync reads.
    private readonly ConcurrentDictionary<string, int> _stripe = new();
    private readonly ConcurrentDictionary<string, int> _lastRead = new();
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly ConcurrentDictionary<string, int> _running = new();
    private readonly ConcurrentQueue<WebhookActivity> _activities = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new();
    private WebhookProcessor _processor = null!;
    private Task _listening = Task.CompletedTask;
    private Uri _url = null!;
    private int _overlaps;

    private Func<string, Task> _whileSyncing = _ => Task.Delay(30);

    private async Task<SyncResult> ReadAndSync(string customerId, CancellationToken cancellationToken)
    {
        if (_running.AddOrUpdate(customerId, 1, (_, n) => n + 1) > 1)
        {
            Interlocked.Increment(ref _overlaps);
        }

        try
        {
            _calls.Enqueue(customerId);
            _lastRead[customerId] = _stripe.GetValueOrDefault(customerId);
            await _whileSyncing(customerId);
            return new SyncResult { CustomerId = customerId, Action = SyncAction.Updated };
        }
        finally
        {
            _running.AddOrUpdate(customerId, 0, (_, n) => n - 1);
        }
    }

    private void Start(int maxConcurrency = 4)
    {
        _processor = new WebhookProcessor(ReadAndSync, _activities.Enqueue,
            new WebhookProcessorOptions { MaxConcurrency = maxConcurrency });
        var port = LoopbackPort.Free();
        _url = new Uri($"http://127.0.0.1:{port}/stripe/");
        var listener = new WebhookListener($"http://127.0.0.1:{port}/",
            new StripeWebhookVerifier(Secret, TimeSpan.FromMinutes(5)), _processor, _activities.Enqueue);
        _listening = listener.RunAsync(_stop.Token);
    }

    private Task<HttpResponseMessage> Post(string payload, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _url)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        if (signature != null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return _http.SendAsync(request);
    }

    /// <summary>Stripe changes the customer, then sends the event.</summary>
    private Task<HttpResponseMessage> ChangeAndDeliver(string customerId, string eventId, long created = 1_795_000_000)
    {
        _stripe.AddOrUpdate(customerId, 1, (_, version) => version + 1);
        var payload = Payload(eventId, "customer.updated", customerId, created);
        return Post(payload, Sign(payload));
    }

    [Fact]
    public async Task A_burst_of_500_deliveries_is_acknowledged_quickly_and_coalesced_per_customer()
    {
        Start(maxConcurrency: 4);
        const int customers = 40;
        var slowest = TimeSpan.Zero;
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var burst = Stopwatch.StartNew();

        await Parallel.ForEachAsync(Enumerable.Range(0, 500), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) =>
            {
                var customerId = $"cus_{i % customers:D2}";
                var started = Stopwatch.GetTimestamp();
                using var response = await ChangeAndDeliver(customerId, $"evt_burst_{i}");
                var took = Stopwatch.GetElapsedTime(started);
                lock (statuses)
                {
                    if (took > slowest)
                    {
                        slowest = took;
                    }
                }

                statuses.Add(response.StatusCode);
            });
        burst.Stop();
        await _processor.WhenIdleAsync().WaitAsync(Patience);
        output.WriteLine(
            $"burst {burst.Elapsed}, slowest ack {slowest}, "
            + $"{_calls.Count} syncs for 500 deliveries to {customers} customers");

        Assert.Equal(500, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.True(slowest < TimeSpan.FromSeconds(3), $"slowest acknowledgement took {slowest}");
        Assert.True(_calls.Count < 250, $"{_calls.Count} syncs for 500 deliveries");
        Assert.Equal(0, _overlaps);
        // Every customer was processed after its last change: what each last read is what Stripe holds now.
        Assert.Equal(customers, _lastRead.Count);
        Assert.All(_stripe, pair => Assert.Equal(pair.Value, _lastRead[pair.Key]));
    }

    [Fact]
    public async Task The_same_event_delivered_twice_is_processed_once()
    {
        Start();
        _stripe["cus_dup"] = 1;
        var payload = Payload("evt_dup", "customer.updated", "cus_dup");

        using var first = await Post(payload, Sign(payload));
        await _processor.WhenIdleAsync().WaitAsync(Patience);
        using var second = await Post(payload, Sign(payload));
        await _processor.WhenIdleAsync().WaitAsync(Patience);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(_calls);
        await Eventually(() => _activities.Any(a => a.Kind == WebhookActivityKind.Duplicate && a.EventId == "evt_dup"));
    }

    [Fact]
    public async Task An_older_event_delivered_after_a_newer_one_still_ends_with_the_current_state()
    {
        var firstReadDone = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        _whileSyncing = async _ =>
        {
            if (firstReadDone.TrySetResult())
            {
                await release.Task;
            }
        };
        Start();

        // The newer event arrives first; its sync reads version 1 and is still running...
        using (var newer = await ChangeAndDeliver("cus_ooo", "evt_newer", created: 1_795_000_100))
        {
            Assert.Equal(HttpStatusCode.OK, newer.StatusCode);
        }

        await firstReadDone.Task.WaitAsync(Patience);
        Assert.Equal(1, _lastRead["cus_ooo"]);

        // ...when Stripe changes again and delivers an older event late.
        using (var older = await ChangeAndDeliver("cus_ooo", "evt_older", created: 1_795_000_000))
        {
            Assert.Equal(HttpStatusCode.OK, older.StatusCode);
        }

        release.SetResult();
        await _processor.WhenIdleAsync().WaitAsync(Patience);

        Assert.Equal(2, _calls.Count);
        Assert.Equal(2, _lastRead["cus_ooo"]);
    }

    [Fact]
    public async Task Bad_signature_is_answered_with_a_bare_400_and_summarised_locally()
    {
        Start();
        var payload = Payload("evt_forged", "customer.updated", "cus_1");

        using var forged = await Post(payload, Sign(payload, "whsec_wrong"));
        using var forgedAgain = await Post(payload, Sign(payload, "whsec_wrong"));
        using var unsigned = await Post(payload, null);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("", await forged.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
        Assert.Equal("", await unsigned.Content.ReadAsStringAsync());
        Assert.Empty(_calls);

        // Not one report per rejection: one summary, with counts per reason and address, when the listener stops.
        Assert.DoesNotContain(_activities, a => a.Kind == WebhookActivityKind.Rejected);
        _stop.Cancel();
        await _listening.WaitAsync(Patience);
        var summary = Assert.Single(_activities, a => a.Kind == WebhookActivityKind.Rejected);
        Assert.Contains("3 webhook request(s) rejected", summary.Detail);
        Assert.Contains("BadSignature 2 from 127.0.0.1", summary.Detail);
        Assert.Contains("MissingSignature 1 from 127.0.0.1", summary.Detail);
        Assert.DoesNotContain(Secret, summary.Detail);
    }

    [Fact]
    public async Task Other_methods_are_answered_405()
    {
        Start();

        using var response = await _http.GetAsync(_url);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Irrelevant_events_are_acknowledged_but_not_synced()
    {
        Start();
        var payload = Payload("evt_charge", "charge.succeeded", "cus_1");

        using var response = await Post(payload, Sign(payload));
        await _processor.WhenIdleAsync().WaitAsync(Patience);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(_calls);
        await Eventually(() => _activities.Any(a => a.Kind == WebhookActivityKind.Ignored));
    }

    [Fact]
    public async Task Cancellation_stops_the_listener()
    {
        Start();
        using (var before = await ChangeAndDeliver("cus_1", "evt_before"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        _stop.Cancel();
        await _listening.WaitAsync(Patience);
        await _processor.StopAsync().WaitAsync(Patience);

        await Assert.ThrowsAsync<HttpRequestException>(() => ChangeAndDeliver("cus_1", "evt_after"));
        Assert.Single(_calls);
    }

    /// <summary>
    /// Delivery activities are reported after the acknowledgement, from the listener's report thread.
    /// </summary>
    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the expected activity was never reported");
            await Task.Delay(20);
        }
    }


    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _listening.WaitAsync(Patience);
        _processor?.Dispose();
        _http.Dispose();
    }
}
