using System.Text.Json.Nodes;
using StripeIntercom.Events;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Fakes.Stripe;
using Xunit;

namespace StripeIntercom.Tests.Events;

/// <summary>
/// Billing moments over real HTTP: the fake Stripe's own events, delivered to the listener and then read again by the
/// next scheduled run, leave exactly one Intercom data event each on the customer's contact.
/// </summary>
public sealed class BillingEventDeliveryTests
{
    [Fact]
    public async Task Billing_moments_land_once_each_by_webhook_and_again_by_the_run()
    {
        await using var rig = await BillingEventRig.StartAsync();
        var first = await rig.RunAsync();
        Assert.False(first.Summary.Stopped);
        var (customer, otherPrice) = CustomerWithActiveSubscription(rig.Stripe);
        var contact = rig.ContactOf(customer);

        var mark = rig.Stripe.Data.Events.Count;
        // A second apart: Intercom keeps one event per contact, name and second.
        foreach (var change in new[]
                 {
                     new FakeCustomerChange { SubscriptionStatus = "past_due" },
                     new FakeCustomerChange { SubscriptionStatus = "active" },
                     new FakeCustomerChange { Price = otherPrice },
                     new FakeCustomerChange { SubscriptionStatus = "canceled" },
                 })
        {
            rig.Stripe.ChangeCustomer(customer, change);
            await Task.Delay(1100);
            if (change.Price != null)
            {
                rig.Stripe.RefundCharge(customer, 500);
                await Task.Delay(1100);
                rig.Stripe.OpenDispute(customer);
                await Task.Delay(1100);
            }
        }

        var emitted = rig.EventsSince(mark);
        await rig.DeliverAsync(emitted);

        var byWebhook = rig.EventsOn(contact.Id);
        var names = byWebhook.OrderBy(e => e.CreatedAt).Select(e => e.EventName).ToList();
        Assert.Contains("stripe-payment-failed", names);
        Assert.Contains("stripe-payment-recovered", names);
        Assert.Contains("stripe-subscription-canceled", names);
        Assert.Contains("stripe-charge-refunded", names);
        // A dispute names only its charge: the listener leaves it to the scheduled run, which finds the customer.
        Assert.DoesNotContain("stripe-dispute-opened", names);
        Assert.Contains(rig.Activities, a => a.EventType == "charge.dispute.created"
            && a.Kind == StripeIntercom.Webhooks.WebhookActivityKind.Ignored);
        Assert.Equal(3, names.Count(n => n == "stripe-subscription-changed"));
        Assert.True(names.IndexOf("stripe-payment-failed") < names.IndexOf("stripe-payment-recovered"));
        foreach (var sent in byWebhook)
        {
            var stripeEventId = (string?)sent.Metadata["stripe_event_id"];
            var source = Assert.Single(emitted, e => e.Id == stripeEventId);
            Assert.Equal(source.Created, sent.CreatedAt);
        }

        var failed = Assert.Single(byWebhook, e => e.EventName == "stripe-payment-failed");
        var price = Assert.IsType<JsonObject>(failed.Metadata["amount"]);
        Assert.True((long)price["amount"]! > 0);
        Assert.False(string.IsNullOrEmpty((string?)failed.Metadata["invoice_number"]));
        Assert.StartsWith("https://dashboard.stripe.com/test/invoices/",
            (string?)failed.Metadata["stripe_link"]!["url"]);
        var planChange = byWebhook.Single(e => (string?)e.Metadata["changed"] == "plan");
        Assert.NotEqual((string?)planChange.Metadata["plan"], (string?)planChange.Metadata["previous_plan"]);

        // The scheduled run reads the same Stripe events: it sends them again, identically, and Intercom keeps one.
        var run = await rig.RunAsync();
        Assert.False(run.Summary.Stopped);
        Assert.Equal(byWebhook.Count + 1, rig.RunEvents.Count(r => r.Action == BillingEventAction.Sent));
        Assert.Equal(byWebhook.Count, rig.Intercom.DuplicateDataEvents);
        var all = rig.EventsOn(contact.Id);
        Assert.Equal(byWebhook.Count + 1, all.Count);
        var dispute = Assert.Single(all, e => e.EventName == "stripe-dispute-opened");
        Assert.Equal("fraudulent", (string?)dispute.Metadata["reason"]);
        var refund = Assert.Single(all, e => e.EventName == "stripe-charge-refunded");
        Assert.Equal(500, (long)refund.Metadata["amount"]!["amount"]!);
        Assert.Empty(rig.Engine.State().RetryEventIds);

        // Nothing new: the next run sends nothing and calls nothing for events.
        rig.Intercom.ClearRequestLog();
        await rig.RunAsync();
        Assert.DoesNotContain(rig.Intercom.Requests, r => r.Route == "POST /events");
    }

    [Fact]
    public async Task A_delivery_whose_send_failed_with_503_is_sent_by_the_next_run()
    {
        await using var rig = await BillingEventRig.StartAsync();
        await rig.RunAsync();
        var (customer, _) = CustomerWithActiveSubscription(rig.Stripe);
        var contact = rig.ContactOf(customer);
        var mark = rig.Stripe.Data.Events.Count;
        rig.Stripe.ChangeCustomer(customer, new FakeCustomerChange { SubscriptionStatus = "past_due" });

        // Every attempt of the one send (the first and six retries) is answered 503.
        rig.Intercom.ArmFault(FakeFaultKind.ServiceUnavailable503, 7, route: "POST /events");
        await rig.DeliverAsync(rig.EventsSince(mark));
        Assert.Empty(rig.EventsOn(contact.Id));
        // Seven 503s in a row also tell the client Intercom is down, which stops the listener's processing: either
        // way the event was not sent, and the listener said so.
        Assert.Contains(rig.Activities, a => a.Events.Any(e => e.Action == BillingEventAction.Failed)
            || a.Kind == StripeIntercom.Webhooks.WebhookActivityKind.Failed);

        rig.Intercom.ClearFaults();
        var run = await rig.RunAsync();
        Assert.False(run.Summary.Stopped);
        var sent = rig.EventsOn(contact.Id);
        Assert.Contains(sent, e => e.EventName == "stripe-payment-failed");
        Assert.Equal(sent.Count, sent.Select(e => (e.EventName, e.CreatedAt)).Distinct().Count());
    }

    [Fact]
    public async Task Events_of_an_app_user_adopted_by_metadata_land_on_that_user_and_no_contact_is_created()
    {
        await using var rig = await BillingEventRig.StartAsync();
        var (customer, _) = CustomerWithActiveSubscription(rig.Stripe);
        rig.Stripe.ChangeCustomer(customer, new FakeCustomerChange
        {
            Metadata = new Dictionary<string, string> { ["app_user_id"] = "app_user_77" },
        });
        var appUser = rig.Intercom.Seed("user", "app_user_77", "someone-else@example.test", "App User 77");
        void Settings(StripeIntercom.Runs.SyncSettings s) => s.ExternalIdMetadataKey = "app_user_id";
        await rig.RunAsync(Settings);
        var contactsBefore = rig.Engine.LiveContacts().Count;

        var mark = rig.Stripe.Data.Events.Count;
        rig.Stripe.ChangeCustomer(customer, new FakeCustomerChange { SubscriptionStatus = "past_due" });
        await rig.DeliverAsync(rig.EventsSince(mark), Settings);
        await rig.RunAsync(Settings);

        Assert.Single(rig.EventsOn(appUser.Id), e => e.EventName == "stripe-payment-failed");
        Assert.Equal(contactsBefore, rig.Engine.LiveContacts().Count);
        Assert.All(rig.Intercom.DataEvents, e => Assert.Equal(appUser.Id, e.ContactId));
    }

    [Fact]
    public async Task Events_of_an_app_user_adopted_by_email_land_on_that_user()
    {
        await using var rig = await BillingEventRig.StartAsync();
        var (customer, _) = CustomerWithActiveSubscription(rig.Stripe);
        var email = rig.Stripe.LiveCustomers().Single(c => c.Id == customer).Email!;
        // The app's own user: its own external_id (not a Stripe id), the customer's email.
        var appUser = rig.Intercom.Seed("user", "app-user-by-email", email.ToUpperInvariant(), "App User");
        await rig.RunAsync();
        var contactsBefore = rig.Engine.LiveContacts().Count;

        var mark = rig.Stripe.Data.Events.Count;
        rig.Stripe.ChangeCustomer(customer, new FakeCustomerChange { SubscriptionStatus = "past_due" });
        await rig.DeliverAsync(rig.EventsSince(mark));
        await rig.RunAsync();

        var onUser = rig.EventsOn(appUser.Id);
        Assert.Single(onUser, e => e.EventName == "stripe-payment-failed");
        Assert.Equal(contactsBefore, rig.Engine.LiveContacts().Count);
        Assert.All(rig.Intercom.DataEvents, e => Assert.Equal(appUser.Id, e.ContactId));
    }

    [Fact]
    public async Task Renamed_and_dropped_names_are_honoured_and_the_first_run_with_events_sends_no_history()
    {
        await using var rig = await BillingEventRig.StartAsync();
        var (customer, _) = CustomerWithActiveSubscription(rig.Stripe);
        // Before the first run: history the switch must not backfill.
        rig.Stripe.ChangeCustomer(customer, new FakeCustomerChange { SubscriptionStatus = "past_due" });
        await rig.RunAsync(s => s.SyncEvents = false);
        await rig.RunAsync();
        Assert.Empty(rig.Intercom.DataEvents);

        await Task.Delay(1100);
        rig.Stripe.ChangeCustomer(customer, new FakeCustomerChange { SubscriptionStatus = "active" });
        var names = new BillingEventNames(new Dictionary<string, string?>
        {
            ["stripe-payment-recovered"] = "payment-came-back",
            ["customer.subscription.updated"] = null,
        });
        await rig.RunAsync(s => s.EventNames = names);

        var sent = Assert.Single(rig.Intercom.DataEvents);
        Assert.Equal("payment-came-back", sent.EventName);
    }

    internal static (string CustomerId, string OtherPriceId) CustomerWithActiveSubscription(FakeStripeState stripe)
    {
        foreach (var customer in stripe.LiveCustomers())
        {
            var subscription = stripe.Data.SubscriptionsOf(customer.Id).FirstOrDefault(s => s.Status == "active"
                && s.Items.Count == 1);
            if (subscription == null)
            {
                continue;
            }

            var price = stripe.Data.Find<FakePrice>(subscription.Items[0].PriceId);
            var other = stripe.Data.Prices.FirstOrDefault(p => p.Id != price?.Id && p.Currency == price?.Currency
                && p.BillingScheme == "per_unit" && !string.IsNullOrEmpty(p.Nickname)
                && p.Nickname != price?.Nickname);
            if (other != null)
            {
                return (customer.Id, other.Id);
            }
        }

        throw new InvalidOperationException("The generated population has no customer with one active subscription.");
    }
}
