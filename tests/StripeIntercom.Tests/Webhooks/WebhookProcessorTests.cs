using System.Collections.Concurrent;
using System.Net;
using StripeIntercom.Intercom;
using StripeIntercom.Sync;
using StripeIntercom.Webhooks;
using Xunit;

namespace StripeIntercom.Tests.Webhooks;

public class WebhookProcessorTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private int _eventNumber;

    private WebhookDelivery Delivery(string? customerId, string type = "customer.updated", string? eventId = null) =>
        new(eventId ?? $"evt_{Interlocked.Increment(ref _eventNumber)}", type, DateTimeOffset.UtcNow, customerId,
            customerId != null && type.StartsWith("customer."));

    private static Task<SyncResult> Synced(string customerId) =>
        Task.FromResult(new SyncResult { CustomerId = customerId, Action = SyncAction.Updated });

    [Fact]
    public async Task Same_event_id_twice_is_processed_once()
    {
        var calls = new ConcurrentQueue<string>();
        var activities = new ConcurrentQueue<WebhookActivity>();
        using var processor = new WebhookProcessor(
            (id, _) =>
            {
                calls.Enqueue(id);
                return Synced(id);
            },
            activities.Enqueue);

        Assert.True(processor.Enqueue(Delivery("cus_1", eventId: "evt_same")));
        await processor.WhenIdleAsync().WaitAsync(Patience);
        Assert.False(processor.Enqueue(Delivery("cus_1", eventId: "evt_same")));
        await processor.WhenIdleAsync().WaitAsync(Patience);

        Assert.Single(calls);
        Assert.Contains(activities, a => a.Kind == WebhookActivityKind.Duplicate && a.EventId == "evt_same");
        Assert.Contains(activities,
            a => a.Kind == WebhookActivityKind.Synced && a.Result!.Action == SyncAction.Updated);
    }

    [Fact]
    public async Task Irrelevant_deliveries_are_ignored()
    {
        var activities = new ConcurrentQueue<WebhookActivity>();
        using var processor = new WebhookProcessor(
            (id, _) => throw new InvalidOperationException("must not run"), activities.Enqueue);

        Assert.False(processor.Enqueue(Delivery("cus_1", type: "charge.succeeded")));
        Assert.False(processor.Enqueue(Delivery(null)));
        await processor.WhenIdleAsync().WaitAsync(Patience);

        Assert.Equal(2, activities.Count(a => a.Kind == WebhookActivityKind.Ignored));
    }

    [Fact]
    public async Task Pending_customer_is_queued_once_and_a_running_one_is_processed_once_more()
    {
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var calls = new ConcurrentQueue<string>();
        var activities = new ConcurrentQueue<WebhookActivity>();
        using var processor = new WebhookProcessor(
            async (id, _) =>
            {
                calls.Enqueue(id);
                if (id == "cus_busy" && calls.Count(c => c == "cus_busy") == 1)
                {
                    started.SetResult();
                    await release.Task;
                }

                return await Synced(id);
            },
            activities.Enqueue,
            new WebhookProcessorOptions { MaxConcurrency = 1 });

        processor.Enqueue(Delivery("cus_busy"));
        await started.Task.WaitAsync(Patience);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(processor.Enqueue(Delivery("cus_busy")));
            Assert.True(processor.Enqueue(Delivery("cus_waiting")));
        }

        Assert.Equal(1, processor.PendingCustomers); // cus_busy is still running; it rejoins the line when it finishes
        release.SetResult();
        await processor.WhenIdleAsync().WaitAsync(Patience);

        Assert.Equal(new[] { "cus_busy", "cus_waiting", "cus_busy" }, calls);
        // 5 for the running one, 4 after the first of the waiting one
        Assert.Equal(9, activities.Count(a => a.Kind == WebhookActivityKind.Coalesced));
    }

    [Fact]
    public async Task Never_more_syncs_at_once_than_the_concurrency_limit()
    {
        var running = 0;
        var peak = 0;
        using var processor = new WebhookProcessor(
            async (id, _) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                await Task.Delay(20);
                Interlocked.Decrement(ref running);
                return await Synced(id);
            },
            options: new WebhookProcessorOptions { MaxConcurrency = 3 });

        for (var i = 0; i < 30; i++)
        {
            processor.Enqueue(Delivery($"cus_{i}"));
        }

        await processor.WhenIdleAsync().WaitAsync(Patience);
        Assert.Equal(3, peak);
    }

    [Fact]
    public async Task Full_pending_set_drops_new_customers_and_reports_it()
    {
        var release = new TaskCompletionSource();
        var activities = new ConcurrentQueue<WebhookActivity>();
        using var processor = new WebhookProcessor(
            async (id, _) => { await release.Task; return await Synced(id); },
            activities.Enqueue,
            new WebhookProcessorOptions { MaxConcurrency = 1, MaxPendingCustomers = 2 });

        processor.Enqueue(Delivery("cus_running"));
        await WaitUntil(() => processor.PendingCustomers == 0);
        Assert.True(processor.Enqueue(Delivery("cus_a")));
        Assert.True(processor.Enqueue(Delivery("cus_b")));
        Assert.False(processor.Enqueue(Delivery("cus_c")));
        Assert.True(processor.Enqueue(Delivery("cus_a")));

        release.SetResult();
        await processor.WhenIdleAsync().WaitAsync(Patience);
        var dropped = Assert.Single(activities, a => a.Kind == WebhookActivityKind.Dropped);
        Assert.Equal("cus_c", dropped.CustomerId);
        Assert.Contains("incremental run", dropped.Detail);
    }

    [Fact]
    public async Task Failures_are_reported_and_do_not_stop_the_workers()
    {
        var activities = new ConcurrentQueue<WebhookActivity>();
        using var processor = new WebhookProcessor(
            (id, _) => id == "cus_bad" ? throw new HttpRequestException("Intercom said 500") : Synced(id),
            activities.Enqueue,
            new WebhookProcessorOptions { MaxConcurrency = 1 });

        processor.Enqueue(Delivery("cus_bad"));
        processor.Enqueue(Delivery("cus_good"));
        await processor.WhenIdleAsync().WaitAsync(Patience);

        var failed = Assert.Single(activities, a => a.Kind == WebhookActivityKind.Failed);
        Assert.Equal("cus_bad", failed.CustomerId);
        Assert.IsType<HttpRequestException>(failed.Error);
        Assert.Contains(activities, a => a.Kind == WebhookActivityKind.Synced && a.CustomerId == "cus_good");
    }

    [Fact]
    public async Task Stop_drains_pending_customers_then_refuses_new_ones()
    {
        var calls = new ConcurrentQueue<string>();
        using var processor = new WebhookProcessor(
            async (id, _) => { await Task.Delay(10); calls.Enqueue(id); return await Synced(id); },
            options: new WebhookProcessorOptions { MaxConcurrency = 2 });
        for (var i = 0; i < 10; i++)
        {
            processor.Enqueue(Delivery($"cus_{i}"));
        }

        await processor.StopAsync().WaitAsync(Patience);

        Assert.Equal(10, calls.Count);
        Assert.False(processor.Enqueue(Delivery("cus_late")));
    }

    [Fact]
    public async Task Stop_with_cancellation_abandons_running_and_pending_work_cleanly()
    {
        var activities = new ConcurrentQueue<WebhookActivity>();
        using var processor = new WebhookProcessor(
            async (id, token) => { await Task.Delay(Timeout.Infinite, token); return await Synced(id); },
            activities.Enqueue,
            new WebhookProcessorOptions { MaxConcurrency = 1 });
        processor.Enqueue(Delivery("cus_running"));
        processor.Enqueue(Delivery("cus_pending"));

        using var impatience = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await processor.StopAsync(impatience.Token).WaitAsync(Patience);

        var dropped
            = activities.Where(a => a.Kind == WebhookActivityKind.Dropped).Select(a => a.CustomerId).OrderBy(c => c);
        Assert.Equal(new[] { "cus_pending", "cus_running" }, dropped);
        await processor.WhenIdleAsync().WaitAsync(Patience);
    }

    [Fact]
    public async Task A_403_carried_by_a_Failed_result_stops_the_processor_with_that_one_error()
    {
        var activities = new ConcurrentQueue<WebhookActivity>();
        var forbidden = new IntercomApiException(HttpStatusCode.Forbidden, "token_unauthorized", "Intercom said 403",
            null);
        using var processor = new WebhookProcessor(
            (id, _) => Task.FromResult(id == "cus_first"
                ? new SyncResult { CustomerId = id, Action = SyncAction.Failed, Exception = forbidden, Error = "403" }
                : new SyncResult { CustomerId = id, Action = SyncAction.Updated }),
            activities.Enqueue,
            new WebhookProcessorOptions { MaxConcurrency = 1 });

        processor.Enqueue(Delivery("cus_first"));
        await Task.Delay(Timeout.Infinite, processor.StoppedByError).ContinueWith(_ => { }).WaitAsync(Patience);
        Assert.False(processor.Enqueue(Delivery("cus_late")));
        await processor.StopAsync().WaitAsync(Patience);

        Assert.Same(forbidden, processor.StopError);
        var failed = Assert.Single(activities, a => a.Kind == WebhookActivityKind.Failed);
        Assert.Same(forbidden, failed.Error);
        Assert.DoesNotContain(activities, a => a.Kind == WebhookActivityKind.Synced);
    }

    [Fact]
    public async Task Outcomes_are_reported_in_the_order_processings_started()
    {
        var activities = new ConcurrentQueue<WebhookActivity>();
        using var processor = new WebhookProcessor(
            async (id, _) =>
            {
                await Task.Delay(id == "cus_0" ? 200 : 5);
                return await Synced(id);
            },
            activities.Enqueue,
            new WebhookProcessorOptions { MaxConcurrency = 4 });
        for (var i = 0; i < 4; i++)
        {
            processor.Enqueue(Delivery($"cus_{i}"));
        }

        await processor.WhenIdleAsync().WaitAsync(Patience);
        Assert.Equal(new[] { "cus_0", "cus_1", "cus_2", "cus_3" },
            activities.Where(a => a.Kind == WebhookActivityKind.Synced).Select(a => a.CustomerId));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target))
            && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(5);
        }
    }
}
