namespace StripeIntercom.Fakes.Stripe;

/// <summary>
/// Builds a deterministic Stripe account: the same (seed, count, now) always gives the same objects, ids included.
/// The mix covers the shapes a reader gets wrong: missing email or name, several subscriptions (some customers more
/// than the 10 Stripe embeds), usd/eur/gbp/jpy, month/year/week intervals with interval_count, every status, multi-item
/// subscriptions with quantities, prices with and without nickname, paid/open(failing)/draft latest invoices, cards on
/// the customer or only on the subscription, credit balances, delinquency and deleted customers with their
/// customer.deleted event.
/// </summary>
public static class FakeStripeGenerator
{
    public const long Day = 86_400;

    private static readonly string[] FirstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret",
        "Ken", "Frances", "Niklaus", "Radia", "Linus", "Sophie", "Tim", "Hedy", "John"];
    private static readonly string[] LastNames = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth",
        "Hamilton", "Thompson", "Allen", "Wirth", "Perlman", "Torvalds", "Wilson", "Berners-Lee", "Lamarr", "Backus"];
    private static readonly string[] Brands = ["visa", "mastercard", "amex", "discover"];

    // (name, monthly unit amount in cents); the first four are plans, the rest add-ons.
    private static readonly (string Name, long Monthly)[] Catalog =
    [
        ("Starter", 1_500), ("Team", 4_900), ("Business", 12_900), ("Enterprise", 49_900),
        ("Analytics add-on", 1_900), ("Extra seats", 800), ("Priority support", 9_900),
        ("Storage 100 GB", 500), ("API access", 2_500), ("Onboarding package", 29_900),
    ];

    public static FakeStripeData Generate(int seed, int count, DateTimeOffset now)
    {
        var random = new Random(seed);
        var data = new FakeStripeData();
        var ids = new StripeIdFactory(random, data.Contains);
        var nowSeconds = now.ToUnixTimeSeconds();

        BuildCatalog(data, ids, nowSeconds - 800 * Day);

        const long span = 730 * Day;
        var step = Math.Max(1, span / Math.Max(1, count));
        for (var i = 0; i < count; i++)
        {
            var created = nowSeconds - span + i * step + random.NextInt64(Math.Max(1, step - 1));
            BuildCustomer(data, ids, random, i, created, nowSeconds);
        }
        return data;
    }

    private static void BuildCatalog(FakeStripeData data, StripeIdFactory ids, long created)
    {
        for (var k = 0; k < Catalog.Length; k++)
        {
            var (name, monthly) = Catalog[k];
            var product = new FakeProduct
            {
                Id = ids.Next("prod_"),
                Name = name,
                Created = created + k,
                Updated = created + k,
                Description = $"{name} for the fake catalog"
            };
            data.Add(product);
            foreach (var currency in new[] { "usd", "eur", "gbp" })
            {
                var unit = currency switch { "eur" => monthly * 92 / 100, "gbp" => monthly * 79 / 100, _ => monthly };
                AddPrice(data, ids, product, currency, unit, "month", 1, k % 2 == 0 ? $"{name} monthly" : null);
                AddPrice(data, ids, product, currency, unit * 10, "year", 1, k % 3 == 0 ? $"{name} annual" : null);
                if (k is 0 or 5)
                {
                    AddPrice(data, ids, product, currency, Math.Max(100, unit / 4), "week", 2, null);
                }

                if (k is 1)
                {
                    AddPrice(data, ids, product, currency, unit * 3, "month", 3, $"{name} quarterly");
                }
            }
            if (k is 0 or 1 or 5)
            {
                AddPrice(data, ids, product, "jpy", monthly * 150 / 100, "month", 1, k == 0 ? "Starter JPY" : null);
            }

            product.DefaultPrice = data.Prices.First(p => p.Product == product.Id).Id;
        }
    }

    private static void AddPrice(FakeStripeData data, StripeIdFactory ids, FakeProduct product, string currency,
        long unitAmount, string interval, long intervalCount, string? nickname) =>
        data.Add(new FakePrice
        {
            Id = ids.Next("price_", 24),
            Created = product.Created,
            Currency = currency,
            Nickname = nickname,
            Product = product.Id,
            UnitAmount = unitAmount,
            Recurring = new FakePriceRecurring { Interval = interval, IntervalCount = intervalCount },
        });

    private static void BuildCustomer(FakeStripeData data, StripeIdFactory ids, Random random, int index, long created,
        long now)
    {
        var first = FirstNames[random.Next(FirstNames.Length)];
        var last = LastNames[random.Next(LastNames.Length)];
        var customer = new FakeCustomer
        {
            Id = ids.Next("cus_"),
            Created = created,
            Email = random.NextDouble() < 0.12 ? null : $"{first}.{last}.{index}@example.com".ToLowerInvariant(),
            Name = random.NextDouble() < 0.10 ? null : $"{first} {last}",
            InvoicePrefix = $"F{index:X6}",
        };
        if (random.NextDouble() < 0.5)
        {
            customer.Metadata["account_id"] = $"acct-{index:00000}";
        }

        data.Add(customer);

        if (random.NextDouble() < 0.03)
        {
            Delete(data, ids, customer, now - random.NextInt64(1, 25 * Day));
            return;
        }

        var currency = random.NextDouble() switch { < 0.60 => "usd", < 0.80 => "eur", < 0.95 => "gbp", _ => "jpy" };
        var roll = random.NextDouble();
        var subscriptionCount =
            roll switch { < 0.20 => 0, < 0.75 => 1, < 0.995 => random.Next(2, 5), _ => random.Next(11, 14) };
        var manySubscriptions = subscriptionCount > 10;

        FakePaymentMethod? card = null;
        var cardPlacement = random.NextDouble();
        if (subscriptionCount > 0 || random.NextDouble() < 0.3)
        {
            card = NewCard(ids, random, customer, now);
            data.Add(card);
            if (cardPlacement < 0.80)
            {
                customer.InvoiceSettings.DefaultPaymentMethod = card.Id;
            }
        }

        for (var s = 0; s < subscriptionCount; s++)
        {
            var subscriptionCurrency =
                s == 1 && currency != "jpy" && random.NextDouble() < 0.15 ? OtherCurrency(currency, random) : currency;
            var status = manySubscriptions ? "active" : PickStatus(random);
            var subscription = BuildSubscription(data, ids, random, customer, subscriptionCurrency, status, now);
            if (card is not null && cardPlacement is >= 0.80 and < 0.92)
            {
                subscription.DefaultPaymentMethod = card.Id;
            }
        }
        if (subscriptionCount > 0)
        {
            customer.Currency = currency;
        }

        customer.Balance = random.NextDouble() switch
        {
            < 0.12 => -random.NextInt64(500, 20_000),
            < 0.17 => random.NextInt64(100, 5_000),
            _ => 0,
        };
        customer.Delinquent = data.SubscriptionsOf(customer.Id).Any(s => s.Status is "past_due" or "unpaid");
    }

    private static string OtherCurrency(string currency, Random random)
    {
        var others = new[] { "usd", "eur", "gbp" }.Where(c => c != currency).ToArray();
        return others[random.Next(others.Length)];
    }

    private static string PickStatus(Random random) => random.NextDouble() switch
    {
        < 0.50 => "active",
        < 0.62 => "trialing",
        < 0.72 => "past_due",
        < 0.82 => "canceled",
        < 0.88 => "paused",
        < 0.94 => "unpaid",
        _ => "active",
    };

    private static FakePaymentMethod NewCard(StripeIdFactory ids, Random random, FakeCustomer customer, long now)
    {
        var year = DateTimeOffset.FromUnixTimeSeconds(now).Year;
        return new FakePaymentMethod
        {
            Id = ids.Next("pm_", 24),
            Created = customer.Created,
            Customer = customer.Id,
            BillingDetails = new FakeBillingDetails { Email = customer.Email, Name = customer.Name },
            Card = new FakeCard
            {
                Brand = Brands[random.Next(Brands.Length)],
                Last4 = random.Next(0, 10_000).ToString("0000"),
                ExpMonth = random.Next(1, 13),
                ExpYear = year + random.Next(-1, 6),
                Fingerprint = ids.Next("", 16),
            },
        };
    }

    /// <summary>Adds a subscription with one to three items, their billing periods and a latest invoice matching the
    /// status.</summary>
    internal static FakeSubscription BuildSubscription(FakeStripeData data, StripeIdFactory ids, Random random,
        FakeCustomer customer, string currency, string status, long now, long? createdAt = null)
    {
        var plans = data.Prices.Where(p => p.Currency == currency
            && data.Products.IndexOf(data.Find<FakeProduct>(p.Product)!) < 4).ToList();
        var mainPrice = plans[random.Next(plans.Count)];
        var created = createdAt ?? (status == "trialing"
            ? now - random.NextInt64(Day, 13 * Day)
            : customer.Created + random.NextInt64(0, Math.Max(1, now - customer.Created - 40 * Day)));
        var subscription = new FakeSubscription
        {
            Id = ids.Next("sub_", 24),
            Customer = customer.Id,
            Currency = currency,
            Status = status,
            Created = created,
            StartDate = created,
            BillingCycleAnchor = created,
        };

        var prices = new List<FakePrice> { mainPrice };
        if (random.NextDouble() < 0.25)
        {
            var addOns = data.Prices.Where(p => p.Currency == currency && p.Product != mainPrice.Product
                && data.Products.IndexOf(data.Find<FakeProduct>(p.Product)!) >= 4).ToList();
            var sameInterval = addOns.Where(p => p.Recurring.Interval == mainPrice.Recurring.Interval
                && p.Recurring.IntervalCount == mainPrice.Recurring.IntervalCount).ToList();
            var pool = random.NextDouble() < 0.8 && sameInterval.Count > 0 ? sameInterval : addOns;
            var extra = random.Next(1, 3);
            for (var i = 0; i < extra && pool.Count > 0; i++)
            {
                var price = pool[random.Next(pool.Count)];
                if (prices.All(p => p.Product != price.Product))
                {
                    prices.Add(price);
                }
            }
        }

        foreach (var price in prices)
        {
            var (start, end) = CurrentPeriod(created, price.Recurring, now);
            if (status == "trialing")
            {
                (start, end) = (created, created + 14 * Day);
            }

            subscription.Items.Add(new FakeSubscriptionItem
            {
                Id = ids.Next("si_"),
                Created = created,
                PriceId = price.Id,
                Subscription = subscription.Id,
                Quantity = price == mainPrice && random.NextDouble() >= 0.7 ? random.Next(2, 26) : price == mainPrice
                    ? 1 : random.Next(1, 5),
                CurrentPeriodStart = start,
                CurrentPeriodEnd = end,
            });
        }

        switch (status)
        {
            case "trialing":
                subscription.TrialStart = created;
                subscription.TrialEnd = created + 14 * Day;
                break;
            case "canceled":
                var endedAt = subscription.Items[0].CurrentPeriodStart;
                subscription.CanceledAt = endedAt - random.NextInt64(0, 5 * Day);
                subscription.EndedAt = endedAt;
                break;
        }
        if (status is "active" or "trialing" && random.NextDouble() < 0.12)
        {
            subscription.CancelAtPeriodEnd = true;
            subscription.CancelAt = subscription.Items.Min(i => i.CurrentPeriodEnd);
            subscription.CanceledAt = now - random.NextInt64(1, 10 * Day);
        }

        data.Add(subscription);
        var invoice = BuildLatestInvoice(data, ids, random, customer, subscription, now, createdAt);
        subscription.LatestInvoice = invoice.Id;
        return subscription;
    }

    /// <summary>Billing period containing <paramref name="now"/>, counted in whole intervals from the anchor (months as
    /// 30 days).</summary>
    internal static (long Start, long End) CurrentPeriod(long anchor, FakePriceRecurring recurring, long now)
    {
        var length = IntervalSeconds(recurring);
        var periods = Math.Max(0, (now - anchor) / length);
        var start = anchor + periods * length;
        return (start, start + length);
    }

    internal static long IntervalSeconds(FakePriceRecurring recurring) =>
        recurring.IntervalCount * recurring.Interval switch
        {
            "day" => Day,
            "week" => 7 * Day,
            "year" => 365 * Day,
            _ => 30 * Day,
        };

    /// <param name="issuedAt">For changes made while running: the invoice is created and finalized at this
    /// moment.</param>
    internal static FakeInvoice BuildLatestInvoice(FakeStripeData data, StripeIdFactory ids, Random random,
        FakeCustomer customer, FakeSubscription subscription, long now, long? issuedAt = null)
    {
        var periodStart = subscription.Items.Min(i => i.CurrentPeriodStart);
        var amount = subscription.Status == "trialing" ? 0
            : subscription.Items.Sum(i => FakeBilling.ItemAmount(data.Find<FakePrice>(i.PriceId)!, i.Quantity));
        customer.NextInvoiceSequence++;
        var invoice = new FakeInvoice
        {
            Id = ids.Next("in_", 24),
            Customer = customer.Id,
            CustomerEmail = customer.Email,
            Currency = subscription.Currency,
            Created = Math.Min(now, periodStart + 3600),
            PeriodStart = periodStart,
            PeriodEnd = periodStart,
            Number = $"{customer.InvoicePrefix}-{customer.NextInvoiceSequence - 1:0000}",
            AmountDue = amount,
            Subtotal = amount,
            Total = amount,
            BillingReason = subscription.Created == periodStart ? "subscription_create" : "subscription_cycle",
            Parent = new FakeInvoiceParent
            {
                SubscriptionDetails = new FakeInvoiceSubscriptionDetails { Subscription = subscription.Id }
            },
        };
        invoice.HostedInvoiceUrl = $"https://invoice.stripe.com/i/acct_fake/test_{invoice.Id}";
        if (issuedAt is not null)
        {
            invoice.Created = issuedAt.Value - 3600;
        }

        var finalized = invoice.Created + 3600;

        switch (subscription.Status)
        {
            case "past_due":
                MarkFailing(invoice, random.Next(1, 4), finalized, now + random.NextInt64(Day, 3 * Day));
                break;
            case "unpaid":
                MarkFailing(invoice, 4, finalized, null);
                break;
            case "active" when random.NextDouble() < 0.05:
                // Drafts get their number at finalization.
                invoice.Status = "draft";
                invoice.Number = null;
                customer.NextInvoiceSequence--;
                invoice.Created = now - 3600;
                invoice.AmountRemaining = amount;
                break;
            default:
                invoice.Status = "paid";
                invoice.Attempted = true;
                invoice.AttemptCount = amount == 0 ? 0 : 1;
                invoice.AmountPaid = amount;
                invoice.StatusTransitions.FinalizedAt = finalized;
                invoice.StatusTransitions.PaidAt = finalized;
                break;
        }
        data.Add(invoice);
        if (invoice.Status == "open" && finalized > now - 29 * Day)
        {
            data.Add(NewEvent(ids, "invoice.payment_failed", finalized, FakeStripeJson.Invoice(invoice)));
        }

        return invoice;
    }

    internal static void MarkFailing(FakeInvoice invoice, long attempts, long finalizedAt, long? nextAttempt)
    {
        invoice.Status = "open";
        invoice.Attempted = true;
        invoice.AttemptCount = attempts;
        invoice.AmountPaid = 0;
        invoice.AmountRemaining = invoice.AmountDue;
        invoice.NextPaymentAttempt = nextAttempt;
        invoice.StatusTransitions.FinalizedAt = finalizedAt;
        invoice.StatusTransitions.PaidAt = null;
    }

    internal static void Delete(FakeStripeData data, StripeIdFactory ids, FakeCustomer customer, long at)
    {
        var snapshot = FakeStripeJson.Customer(customer);
        customer.Deleted = true;
        data.Add(NewEvent(ids, "customer.deleted", at, snapshot));
    }

    internal static FakeEvent NewEvent(StripeIdFactory ids, string type, long created,
        System.Text.Json.Nodes.JsonNode dataObject, System.Text.Json.Nodes.JsonNode? previous = null) =>
        new()
        {
            Id = ids.Next("evt_", 24),
            Type = type,
            Created = created,
            Data = new FakeEventData { Object = dataObject, PreviousAttributes = previous },
        };
}
