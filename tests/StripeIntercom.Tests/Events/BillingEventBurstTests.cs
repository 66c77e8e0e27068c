using System.Text.Json.Nodes;
using StripeIntercom.Events;
using StripeIntercom.Fakes.Stripe;
using StripeIntercom.Resilience;
using StripeIntercom.Webhooks;
using Xunit;

namespace StripeIntercom.Tests.Events;

public sealed class BillingEventBurstTests
{
    [Fact]
    public async Task A_burst_of_1000_billing_events_through_the_listener_sends_1000_once_each_within_the_rate_budget()
    {
        const int customers = 50, perCustomer = 20, window = 800;
        await using var rig = await BillingEventRig.StartAsync(customers + 10);
        await rig.RunAsync(s => s.SyncEvents = false);
        await rig.RunAsync();
        rig.Intercom.ClearRequestLog();
        rig.Engine.Intercom.Options.WindowLimit = window;
        rig.IntercomBudget = new RateLimitBudget(window, TimeSpan.FromSeconds(10));

        var ids = rig.Stripe.LiveCustomers().Take(customers).Select(c => c.Id).ToList();
        var start = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3_600;
        // Distinct seconds per customer: Intercom keeps one event per contact, name and second.
        var burst = Enumerable.Range(0, customers * perCustomer)
            .Select(n => Refund($"evt_burst_{n:D4}", ids[n % customers], start + n / customers, 100 + n))
            .ToList();
        await rig.DeliverAsync(burst, maxConcurrency: 8);

        var sent = rig.Intercom.DataEvents;
        Assert.Equal(burst.Count, sent.Count);
        Assert.Equal(burst.Count, sent.Select(e => (string?)e.Metadata["stripe_event_id"]).Distinct().Count());
        Assert.Equal(0, rig.Intercom.DuplicateDataEvents);
        Assert.DoesNotContain(rig.Intercom.Requests, r => r.Status == 429);
        Assert.Equal(burst.Count, rig.Intercom.Requests.Count(r => r.Route == "POST /events"));
        // Each customer's events arrived in Stripe's order.
        foreach (var byContact in sent.GroupBy(e => e.ContactId))
        {
            var created = byContact.Select(e => e.CreatedAt).ToList();
            Assert.Equal(created.OrderBy(c => c), created);
        }

        Assert.DoesNotContain(rig.Activities, a => a.Kind is WebhookActivityKind.Failed or WebhookActivityKind.Dropped);
        Assert.All(rig.Activities.SelectMany(a => a.Events), e => Assert.Equal(BillingEventAction.Sent, e.Action));
    }

    private static FakeEvent Refund(string id, string customerId, long created, long amount) => new()
    {
        Id = id,
        Created = created,
        Type = BillingEventTypes.ChargeRefunded,
        Data = new FakeEventData
        {
            Object = new JsonObject
            {
                ["id"] = "ch_" + id,
                ["object"] = "charge",
                ["amount"] = amount * 2,
                ["amount_refunded"] = amount,
                ["currency"] = "usd",
                ["customer"] = customerId,
                ["created"] = created,
                ["livemode"] = false,
                ["paid"] = true,
                ["refunded"] = false,
                ["status"] = "succeeded",
            },
        },
    };
}
