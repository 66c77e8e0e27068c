using System.Text.Json.Nodes;
using Stripe;
using StripeIntercom.Events;
using StripeIntercom.Intercom;
using Xunit;

namespace StripeIntercom.Tests.Events;

/// <summary>Which Stripe events become which data events, and what they carry (Stripe's own event shapes).</summary>
public sealed class BillingEventReaderTests
{
    private readonly List<string> _chargesRead = new();

    private BillingEventReader Reader() => new(
        (productId, _) => Task.FromResult<string?>(productId == "prod_team" ? "Team" : null),
        (chargeId, _) =>
        {
            _chargesRead.Add(chargeId);
            return Task.FromResult<string?>("cus_from_charge");
        });

    private static Event Parse(string type, JsonObject dataObject, JsonObject? previous = null, bool livemode = false)
    {
        var data = new JsonObject { ["object"] = dataObject };
        if (previous != null)
        {
            data["previous_attributes"] = previous;
        }

        return EventUtility.ParseEvent(new JsonObject
        {
            ["id"] = "evt_reader_1",
            ["object"] = "event",
            ["api_version"] = "2026-10-28.endive",
            ["created"] = 1_795_000_123,
            ["livemode"] = livemode,
            ["type"] = type,
            ["data"] = data,
        }.ToJsonString(), throwOnApiVersionMismatch: false);
    }

    private static JsonObject Subscription(string status = "active", string price = "price_team",
        string? nickname = null, long quantity = 3) => new()
        {
            ["id"] = "sub_1",
            ["object"] = "subscription",
            ["customer"] = "cus_1",
            ["status"] = status,
            ["cancel_at_period_end"] = false,
            ["items"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(new JsonObject
                {
                    ["id"] = "si_1",
                    ["object"] = "subscription_item",
                    ["quantity"] = quantity,
                    ["price"] = new JsonObject
                    {
                        ["id"] = price,
                        ["object"] = "price",
                        ["nickname"] = nickname,
                        ["product"] = "prod_team",
                        ["unit_amount"] = 1500,
                        ["currency"] = "usd",
                    },
                }),
            },
        };

    [Fact]
    public async Task A_subscription_update_that_changed_only_metadata_is_not_a_billing_moment()
    {
        var read = await Reader().ReadAsync(Parse(BillingEventTypes.SubscriptionUpdated, Subscription(),
            new JsonObject { ["metadata"] = new JsonObject { ["note"] = "x" } }), CancellationToken.None);
        Assert.Null(read);
    }

    [Fact]
    public async Task A_plan_and_quantity_change_is_one_event_naming_both_with_the_plans_by_name()
    {
        var previousItems = Subscription(price: "price_starter", nickname: "Starter", quantity: 1)["items"]!
            .DeepClone();
        var read = await Reader().ReadAsync(Parse(BillingEventTypes.SubscriptionUpdated, Subscription(),
            new JsonObject { ["items"] = previousItems }), CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal("stripe-subscription-changed", read!.DefaultName);
        var metadata = read.Metadata.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("plan, quantity", metadata["changed"]);
        Assert.Equal("Team", metadata["plan"]);
        Assert.Equal("Starter", metadata["previous_plan"]);
        Assert.Equal(3L, metadata["quantity"]);
        Assert.Equal(1L, metadata["previous_quantity"]);
        Assert.Equal(1_795_000_123, read.CreatedAt);
        Assert.Equal("https://dashboard.stripe.com/test/subscriptions/sub_1",
            Assert.IsType<IntercomRichLink>(metadata["stripe_link"]).Url);
        Assert.Equal("evt_reader_1", read.Metadata[^1].Value);
        Assert.True(read.Metadata.Count <= 10);
    }

    [Fact]
    public async Task An_invoice_paid_at_the_first_attempt_is_routine_and_after_failures_a_recovery()
    {
        JsonObject Invoice(long attempts) => new()
        {
            ["id"] = "in_1",
            ["object"] = "invoice",
            ["customer"] = "cus_1",
            ["amount_paid"] = 4900,
            ["amount_due"] = 4900,
            ["currency"] = "eur",
            ["attempt_count"] = attempts,
            ["number"] = "ABCD-0007",
            ["hosted_invoice_url"] = "https://invoice.stripe.com/i/acct_1/live_1",
        };

        var routine = await Reader().ReadAsync(Parse(BillingEventTypes.InvoicePaid, Invoice(1)), default);
        var recovery = await Reader().ReadAsync(Parse(BillingEventTypes.InvoicePaid, Invoice(3), livemode: true),
            default);

        Assert.Equal("stripe-invoice-paid", routine!.DefaultName);
        Assert.Equal("stripe-payment-recovered", recovery!.DefaultName);
        var price = Assert.IsType<IntercomPrice>(recovery.Metadata.Single(p => p.Key == "amount").Value);
        Assert.Equal((4900, "eur"), (price.Amount, price.Currency));
        Assert.Equal("https://dashboard.stripe.com/invoices/in_1",
            Assert.IsType<IntercomRichLink>(recovery.Metadata.Single(p => p.Key == "stripe_link").Value).Url);
    }

    [Fact]
    public async Task A_dispute_finds_its_customer_through_its_charge()
    {
        var read = await Reader().ReadAsync(Parse(BillingEventTypes.DisputeCreated, new JsonObject
        {
            ["id"] = "dp_1",
            ["object"] = "dispute",
            ["charge"] = "ch_9",
            ["amount"] = 2000,
            ["currency"] = "usd",
            ["reason"] = "fraudulent",
            ["status"] = "needs_response",
        }), default);

        Assert.Equal("cus_from_charge", read!.CustomerId);
        Assert.Equal(new[] { "ch_9" }, _chargesRead);
    }

    [Fact]
    public async Task Other_event_types_are_not_billing_moments() =>
        Assert.Null(await Reader().ReadAsync(Parse("customer.updated", new JsonObject
        {
            ["id"] = "cus_1",
            ["object"] = "customer",
        }), default));

    [Fact]
    public void Event_names_rename_by_name_or_type_drop_on_empty_and_refuse_unknown_keys()
    {
        var names = new BillingEventNames(new Dictionary<string, string?>
        {
            ["invoice.paid"] = "paid",
            ["stripe-payment-recovered"] = "recovered",
            ["charge.refunded"] = "",
        });
        BillingEvent Event(string type, string name) =>
            new("evt_1", type, name, "cus_1", 1, Array.Empty<KeyValuePair<string, object?>>());

        Assert.Equal("recovered", names.NameOf(Event("invoice.paid", "stripe-payment-recovered")));
        Assert.Equal("paid", names.NameOf(Event("invoice.paid", "stripe-invoice-paid")));
        Assert.Null(names.NameOf(Event("charge.refunded", "stripe-charge-refunded")));
        Assert.Equal("stripe-trial-ending",
            names.NameOf(Event("customer.subscription.trial_will_end", "stripe-trial-ending")));

        var unknown = Assert.Throws<ArgumentException>(() =>
            new BillingEventNames(new Dictionary<string, string?> { ["invoice.created"] = "x" }));
        Assert.Contains("'invoice.created'", unknown.Message);
        var badName = Assert.Throws<ArgumentException>(() =>
            new BillingEventNames(new Dictionary<string, string?> { ["invoice.paid"] = "paid\nnow" }));
        Assert.Contains("invoice.paid", badName.Message);
    }
}
