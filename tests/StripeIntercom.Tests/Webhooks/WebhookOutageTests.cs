using System.Collections.Concurrent;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Resilience;
using StripeIntercom.Runs;
using StripeIntercom.Tests.Runs;
using StripeIntercom.Webhooks;
using Xunit;

namespace StripeIntercom.Tests.Webhooks;

/// <summary>
/// The webhook processor over the shipped engine and real HTTP, while Intercom answers 503 to every contact request:
/// the outage surfaces once, as the error that stops the processor, not as every delivery failing on its own.
/// </summary>
public class WebhookOutageTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_Intercom_outage_stops_the_processor_with_one_ServiceUnavailable_error()
    {
        await using var rig = await EngineRig.StartAsync(customers: 30);
        Assert.False((await rig.RunJobAsync()).Outcome.Summary.Stopped);
        foreach (var route in new[]
        {
            "GET /contacts/find_by_external_id/{external_id}", "GET /contacts/{id}", "POST /contacts",
            "PUT /contacts/{id}", "POST /contacts/search",
        })
        {
            rig.Intercom.State.ArmFault(FakeFaultKind.ServiceUnavailable503, 1_000_000, route);
        }

        // Each delivery is one customer's run of the job, then its company, as the webhook host runs it.
        var job = rig.NewSyncJob();
        var activities = new ConcurrentQueue<WebhookActivity>();
        using var processor = new WebhookProcessor(
            (id, token) => job.SyncCustomerAsync(id, SyncRunReporting.None, token), activities.Enqueue,
            new WebhookProcessorOptions { MaxConcurrency = 4 });
        var customers = rig.Stripe.State.LiveCustomers().Take(20).ToList();
        var n = 0;
        foreach (var customer in customers)
        {
            processor.Enqueue(new WebhookDelivery(
                $"evt_outage_{++n}", "customer.updated", DateTimeOffset.UtcNow, customer.Id, isRelevant: true));
        }

        await Task.Delay(Timeout.Infinite, processor.StoppedByError).ContinueWith(_ => { }).WaitAsync(Patience);
        var refused = processor.Enqueue(new WebhookDelivery(
            "evt_outage_late", "customer.updated", DateTimeOffset.UtcNow, customers[0].Id, isRelevant: true));
        await processor.StopAsync(new CancellationTokenSource(Patience).Token);

        var unavailable = Assert.IsType<ServiceUnavailableException>(processor.StopError);
        Assert.Equal("Intercom", unavailable.ServiceName);
        var failed = Assert.Single(activities, a => a.Kind == WebhookActivityKind.Failed);
        Assert.Same(unavailable, failed.Error);
        Assert.Contains("Intercom keeps failing", failed.Detail);
        Assert.False(refused);
        // Every customer is accounted for: the one that met the outage, and the rest dropped for the scheduled run.
        var dropped
            = activities.Where(a => a.Kind == WebhookActivityKind.Dropped).Select(a => a.CustomerId).ToHashSet();
        Assert.Equal(customers.Select(c => c.Id).Where(id => id != failed.CustomerId).OrderBy(x => x),
            dropped.Where(id => id != failed.CustomerId).OrderBy(x => x));
        Assert.DoesNotContain(activities, a => a.Kind == WebhookActivityKind.Synced);
    }
}
