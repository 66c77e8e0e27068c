namespace StripeIntercom.Fakes.Stripe;

/// <summary>
/// Every Stripe object the fake holds. Lists are kept in creation order (oldest first); Stripe lists newest first,
/// so the endpoints read them backwards. Not thread-safe: <see cref="FakeStripeState"/> guards it.
/// </summary>
public sealed class FakeStripeData
{
    public List<FakeCustomer> Customers { get; } = new();
    public List<FakeSubscription> Subscriptions { get; } = new();
    public List<FakeInvoice> Invoices { get; } = new();
    public List<FakeProduct> Products { get; } = new();
    public List<FakePrice> Prices { get; } = new();
    public List<FakePaymentMethod> PaymentMethods { get; } = new();
    public List<FakeEvent> Events { get; } = new();
    public List<FakeCoupon> Coupons { get; } = new();
    public List<FakeDiscount> Discounts { get; } = new();
    public List<FakeCardSource> CardSources { get; } = new();
    public List<FakeCharge> Charges { get; } = new();
    public List<FakeDispute> Disputes { get; } = new();

    private readonly Dictionary<string, object> _byId = new(StringComparer.Ordinal);
    // Subscriptions per customer in creation order, so SubscriptionsOf is not a scan of every subscription
    // (which made generating and serving 100,000 customers quadratic).
    private readonly Dictionary<string, List<FakeSubscription>> _subscriptionsByCustomer = new(StringComparer.Ordinal);

    public void Add(FakeCustomer customer) { Customers.Add(customer); _byId[customer.Id] = customer; }
    public void Add(FakeSubscription subscription)
    {
        Subscriptions.Add(subscription);
        _byId[subscription.Id] = subscription;
        if (!_subscriptionsByCustomer.TryGetValue(subscription.Customer, out var list))
        {
            _subscriptionsByCustomer[subscription.Customer] = list = new();
        }

        list.Add(subscription);
    }
    public void Add(FakeInvoice invoice) { Invoices.Add(invoice); _byId[invoice.Id] = invoice; }
    public void Add(FakeProduct product) { Products.Add(product); _byId[product.Id] = product; }
    public void Add(FakePrice price) { Prices.Add(price); _byId[price.Id] = price; }
    public void Add(
        FakePaymentMethod paymentMethod)
    { PaymentMethods.Add(paymentMethod); _byId[paymentMethod.Id] = paymentMethod; }
    public void Add(FakeEvent stripeEvent) { Events.Add(stripeEvent); _byId[stripeEvent.Id] = stripeEvent; }
    public void Add(FakeCoupon coupon) { Coupons.Add(coupon); _byId[coupon.Id] = coupon; }
    public void Add(FakeDiscount discount) { Discounts.Add(discount); _byId[discount.Id] = discount; }
    public void Add(FakeCardSource card) { CardSources.Add(card); _byId[card.Id] = card; }
    public void Add(FakeCharge charge) { Charges.Add(charge); _byId[charge.Id] = charge; }
    public void Add(FakeDispute dispute) { Disputes.Add(dispute); _byId[dispute.Id] = dispute; }

    public T? Find<T>(string? id) where T : class =>
        id is not null && _byId.TryGetValue(id, out var found) ? found as T : null;

    public object? Find(string id) => _byId.TryGetValue(id, out var found) ? found : null;

    public bool Contains(string id) => _byId.ContainsKey(id);

    public IEnumerable<FakeSubscription> SubscriptionsOf(string customerId) =>
        _subscriptionsByCustomer.TryGetValue(customerId, out var list) ? list : Enumerable.Empty<FakeSubscription>();
}
