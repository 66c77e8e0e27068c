namespace StripeIntercom.Fakes.Stripe;

/// <summary>
/// The billing real SaaS accounts run, added to a generated account (<see cref="FakeStripeOptions.BillingShapes"/>):
/// volume and graduated seat prices, a metered price, forever and finite coupons (one in EUR), and then, with a random
/// of its own so the base account stays as the seed made it, tiered seats, discounts on subscriptions, items and
/// customers, metered add-ons and legacy card sources on a share of the customers. Last come the showcase customers,
/// one per shape, at fixed emails under <see cref="ShowcaseDomain"/>, whose figures the README and the module tests
/// work out by hand.
/// </summary>
public static class FakeBillingShapes
{
    public const string ShowcaseDomain = "billing.example.com";

    public static void Apply(FakeStripeData data, int seed, long now)
    {
        var random = new Random(unchecked(seed * 7919 + 13));
        var ids = new StripeIdFactory(random, data.Contains);
        var catalog = AddCatalog(data, ids, now - 700 * FakeStripeGenerator.Day);
        ShapeCustomers(data, ids, random, catalog, now);
        AddShowcase(data, ids, random, catalog, now);
    }

    private sealed record Catalog(
        Dictionary<string, FakePrice> Volume, Dictionary<string, FakePrice> Graduated,
            Dictionary<string, FakePrice> Metered,
        FakePrice Pro, FakePrice Scale, FakePrice Annual, FakeCoupon Half, FakeCoupon TenOff, FakeCoupon Quarter,
        FakeCoupon Welcome, FakeCoupon FirstMonth, FakeCoupon EuroOff);

    private static Catalog AddCatalog(FakeStripeData data, StripeIdFactory ids, long created)
    {
        FakeProduct Product(string name)
        {
            var product = new FakeProduct
            {
                Id = ids.Next("prod_"),
                Name = name,
                Created = created,
                Updated = created,
                Description = $"{name} for the fake catalog"
            };
            data.Add(product);
            return product;
        }
        FakePrice Price(FakeProduct product, string currency, long? unit, string interval = "month",
            string? nickname = null) =>
            FakeBilling.AddPrice(data, ids, new FakePrice
            {
                Created = created,
                Currency = currency,
                Product = product.Id,
                Nickname = nickname,
                UnitAmount = unit,
                Recurring = new FakePriceRecurring { Interval = interval },
            });

        var seats = Product("Seats");
        var graduatedSeats = Product("Seats (graduated)");
        var apiCalls = Product("API calls");
        var volume = new Dictionary<string, FakePrice>();
        var graduated = new Dictionary<string, FakePrice>();
        var metered = new Dictionary<string, FakePrice>();
        foreach (var (currency, scale) in new[] { ("usd", 100L), ("eur", 92L), ("gbp", 79L) })
        {
            // Volume: every seat at the price of the tier the count reaches (10.00 up to 10, 8.00 up to 50, 6.00
            // above).
            var v = Price(seats, currency, null, nickname: "Seats (volume)");
            v.BillingScheme = "tiered";
            v.TiersMode = "volume";
            v.Tiers = [new() { UnitAmount = 10 * scale, UpTo = 10 }, new() { UnitAmount = 8 * scale, UpTo = 50 },
                new() { UnitAmount = 6 * scale }];
            volume[currency] = v;
            // Graduated: the first 5 seats at 12.00 plus a 20.00 platform fee, each seat above at 9.00.
            var g = Price(graduatedSeats, currency, null);
            g.BillingScheme = "tiered";
            g.TiersMode = "graduated";
            g.Tiers = [new() { UnitAmount = 12 * scale, FlatAmount = 20 * scale, UpTo = 5 },
                new() { UnitAmount = 9 * scale }];
            graduated[currency] = g;
            var m = Price(apiCalls, currency, null, nickname: "API calls (metered)");
            m.UnitAmountDecimal = "0.5";
            m.Recurring.UsageType = "metered";
            m.Recurring.Meter = ids.Next("mtr_", 24);
            metered[currency] = m;
        }
        var plans = Product("Pro");
        var pro = Price(plans, "usd", 2_900, nickname: "Pro monthly");
        var scalePlan = Price(Product("Scale"), "usd", 9_900, nickname: "Scale monthly");
        var annual = Price(Product("Enterprise annual"), "usd", 120_000, "year", "Enterprise annual");

        FakeCoupon Coupon(string id, string name, decimal? percent, long? amountOff, string? currency, string duration,
            long? months = null) =>
            FakeBilling.AddCoupon(data, ids, new FakeCoupon
            {
                Id = id,
                Name = name,
                PercentOff = percent,
                AmountOff = amountOff,
                Currency = currency,
                Duration = duration,
                DurationInMonths = months,
            }, created);
        return new Catalog(volume, graduated, metered, pro, scalePlan, annual,
            Coupon("HALF_FOREVER", "Half price for life", 50m, null, null, "forever"),
            Coupon("TEN_OFF_FOREVER", "10 off for life", null, 1_000, "usd", "forever"),
            Coupon("QUARTER_FOREVER", "Quarter off for life", 25m, null, null, "forever"),
            Coupon("WELCOME_3M", "Welcome: 20% for 3 months", 20m, null, null, "repeating", 3),
            Coupon("FIRST_MONTH", "First month 15% off", 15m, null, null, "once"),
            Coupon("EURO_FIVE", "5 EUR off for life", null, 500, "eur", "forever"));
    }

    private static void ShapeCustomers(FakeStripeData data, StripeIdFactory ids, Random random, Catalog catalog,
        long now)
    {
        var coupons = new[] { catalog.Half, catalog.TenOff, catalog.Quarter, catalog.Welcome, catalog.FirstMonth,
            catalog.EuroOff };
        foreach (var customer in data.Customers.Where(c => !c.Deleted).ToList())
        {
            var current = data.SubscriptionsOf(customer.Id).Where(FakeStripeJson.IsCurrent).ToList();
            foreach (var subscription in current)
            {
                var main = subscription.Items[0];
                var roll = random.NextDouble();
                if (roll < 0.10 && catalog.Volume.TryGetValue(subscription.Currency, out var volume))
                {
                    main.PriceId = (random.NextDouble() < 0.5 ? volume : catalog.Graduated[subscription.Currency]).Id;
                    main.Quantity = random.Next(1, 80);
                }
                else if (roll < 0.14 && catalog.Metered.TryGetValue(subscription.Currency, out var metered))
                {
                    var (start, end) = (main.CurrentPeriodStart, main.CurrentPeriodEnd);
                    if (data.Find<FakePrice>(main.PriceId)!.Recurring is { Interval: "month", IntervalCount: 1 })
                    {
                        subscription.Items.Add(new FakeSubscriptionItem
                        {
                            Id = ids.Next("si_"),
                            Created = subscription.Created,
                            PriceId = metered.Id,
                            Subscription = subscription.Id,
                            Quantity = null,
                            CurrentPeriodStart = start,
                            CurrentPeriodEnd = end,
                        });
                    }
                }
                var discountRoll = random.NextDouble();
                if (discountRoll < 0.10)
                {
                    subscription.Discounts.Add(
                        FakeBilling.Redeem(data, ids, coupons[random.Next(coupons.Length)].Id, customer.Id,
                        subscription.Created, subscription.Id).Id);
                }
                else if (discountRoll < 0.105)
                {
                    main.Discounts.Add(
                        FakeBilling.Redeem(data, ids, catalog.Quarter.Id, customer.Id, subscription.Created,
                        subscription.Id, main.Id).Id);
                }
            }
            if (random.NextDouble() < 0.03)
            {
                customer.Discount = FakeBilling.Redeem(data, ids, catalog.Half.Id, customer.Id, customer.Created);
            }

            if (customer.InvoiceSettings.DefaultPaymentMethod is null && random.NextDouble() < 0.25)
            {
                FakeBilling.AddCardSource(data, ids, customer, "Visa", random.Next(0, 10_000).ToString("0000"),
                    random.Next(1, 13), DateTimeOffset.FromUnixTimeSeconds(now).Year + 2);
            }
        }
    }

    /// <summary>One customer per shape, newest of all; their figures are worked out in the README and the module
    /// tests.</summary>
    private static void AddShowcase(FakeStripeData data, StripeIdFactory ids, Random random, Catalog catalog, long now)
    {
        var created = Math.Max(now - 60 * FakeStripeGenerator.Day,
            data.Customers.Count == 0 ? 0 : data.Customers[^1].Created + 1);
        FakeCustomer Customer(string local, string name)
        {
            var customer = new FakeCustomer
            {
                Id = ids.Next("cus_"),
                Created = created++,
                Email = $"{local}@{ShowcaseDomain}",
                Name = name,
                InvoicePrefix = $"S{data.Customers.Count:X6}"
            };
            data.Add(customer);
            return customer;
        }
        FakeSubscription Subscribe(FakeCustomer customer, FakeSubscriptionSpec spec) =>
            FakeBilling.Subscribe(data, ids, random, customer, spec, now);

        Subscribe(Customer("volume-seats", "Volume Seats Ltd"), new() { Items = [new(catalog.Volume["usd"].Id, 12)] });
        Subscribe(Customer("graduated-seats", "Graduated Seats Ltd"),
            new() { Items = [new(catalog.Graduated["usd"].Id, 8)] });
        Subscribe(Customer("half-forever", "Half Forever Inc"),
            new() { Items = [new(catalog.Pro.Id)], Coupons = [catalog.Half.Id] });
        Subscribe(Customer("ten-off-forever", "Ten Off Inc"),
            new() { Items = [new(catalog.Scale.Id)], Coupons = [catalog.TenOff.Id] });
        Subscribe(Customer("quarter-yearly", "Quarter Yearly GmbH"),
            new() { Items = [new(catalog.Annual.Id)], Coupons = [catalog.Quarter.Id] });
        Subscribe(Customer("welcome-repeating", "Welcome Repeating SA"),
            new() { Items = [new(catalog.Scale.Id)], Coupons = [catalog.Welcome.Id] });
        var loyal = Customer("customer-discount", "Loyal Customer Co");
        loyal.Discount = FakeBilling.Redeem(data, ids, catalog.Half.Id, loyal.Id, loyal.Created);
        Subscribe(loyal, new() { Items = [new(catalog.Scale.Id)] });
        Subscribe(Customer("metered-addon", "Metered Addon BV"),
            new() { Items = [new(catalog.Pro.Id), new(catalog.Metered["usd"].Id, null)] });
        Subscribe(Customer("churned", "Churned Corp"),
            new() { Status = "canceled", Items = [new(catalog.Pro.Id)], EndedAt = now - 20 * FakeStripeGenerator.Day });
        var legacy = Customer("card-source", "Legacy Card LLC");
        FakeBilling.AddCardSource(data, ids, legacy, "MasterCard", "4444", 8,
            DateTimeOffset.FromUnixTimeSeconds(now).Year + 3);
        Subscribe(legacy, new() { Items = [new(catalog.Pro.Id)] });
    }
}
