using System.Text.Json;
using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>Renders the fake's objects in Stripe's wire shape (snake_case, "object" on everything, nulls written, ids
/// for unexpanded references).</summary>
public static class FakeStripeJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>Stripe embeds at most this many subscriptions in an expanded customer.</summary>
    public const int EmbeddedSubscriptionLimit = 10;

    public static JsonObject Customer(FakeCustomer customer) =>
        customer.Deleted
            ? new JsonObject { ["id"] = customer.Id, ["object"] = "customer", ["deleted"] = true }
            : Node(customer);

    public static JsonObject Subscription(FakeSubscription subscription, FakeStripeData data)
    {
        var node = Node(subscription);
        node["items"] = List(subscription.Items.Select(i => (JsonNode)SubscriptionItem(i, data)),
            $"/v1/subscription_items?subscription={subscription.Id}", hasMore: false);
        return node;
    }

    public static JsonObject SubscriptionItem(FakeSubscriptionItem item, FakeStripeData data)
    {
        var node = Node(item);
        node["price"] = Price(data.Find<FakePrice>(item.PriceId)!);
        return node;
    }

    public static JsonObject Price(FakePrice price) => Node(price);
    public static JsonObject Product(FakeProduct product) => Node(product);
    public static JsonObject Invoice(FakeInvoice invoice) => Node(invoice);
    public static JsonObject PaymentMethod(FakePaymentMethod paymentMethod) => Node(paymentMethod);
    public static JsonObject Event(FakeEvent stripeEvent) => Node(stripeEvent);
    public static JsonObject Coupon(FakeCoupon coupon) => Node(coupon);
    public static JsonObject Discount(FakeDiscount discount) => Node(discount);
    public static JsonObject CardSource(FakeCardSource card) => Node(card);
    public static JsonObject Charge(FakeCharge charge) => Node(charge);
    public static JsonObject Dispute(FakeDispute dispute) => Node(dispute);

    /// <summary>A tiered price's "tiers", which Stripe includes only on expand[]=tiers.</summary>
    public static JsonArray Tiers(FakePrice price) =>
        new((price.Tiers ?? new List<FakePriceTier>())
            .Select(t => (JsonNode?)JsonSerializer.SerializeToNode(t, Options)).ToArray());

    /// <summary>The customer's "subscriptions" list as Stripe includes it on expansion: not canceled, newest first, at
    /// most 10.</summary>
    public static JsonObject EmbeddedSubscriptions(FakeCustomer customer, FakeStripeData data)
    {
        var current = data.SubscriptionsOf(customer.Id).Where(IsCurrent).Reverse().ToList();
        return List(current.Take(EmbeddedSubscriptionLimit).Select(s => (JsonNode)Subscription(s, data)),
            $"/v1/customers/{customer.Id}/subscriptions", current.Count > EmbeddedSubscriptionLimit);
    }

    /// <summary>Stripe leaves canceled and incomplete_expired subscriptions out unless asked for status=all.</summary>
    public static bool IsCurrent(FakeSubscription subscription) =>
        subscription.Status is not ("canceled" or "incomplete_expired");

    public static JsonObject List(IEnumerable<JsonNode> items, string url, bool hasMore) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(items.ToArray()),
        ["has_more"] = hasMore,
        ["url"] = url,
    };

    /// <summary>Renders any stored object by its runtime type.</summary>
    public static JsonObject? Render(object? stored, FakeStripeData data) => stored switch
    {
        FakeCustomer c => Customer(c),
        FakeSubscription s => Subscription(s, data),
        FakeInvoice i => Invoice(i),
        FakePrice p => Price(p),
        FakeProduct p => Product(p),
        FakePaymentMethod m => PaymentMethod(m),
        FakeEvent e => Event(e),
        FakeCoupon c => Coupon(c),
        FakeDiscount d => Discount(d),
        FakeCardSource c => CardSource(c),
        FakeCharge c => Charge(c),
        FakeDispute d => Dispute(d),
        _ => null,
    };

    private static JsonObject Node<T>(T value) => JsonSerializer.SerializeToNode(value, Options)!.AsObject();
}
