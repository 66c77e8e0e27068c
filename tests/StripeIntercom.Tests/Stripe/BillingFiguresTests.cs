using Microsoft.Extensions.Logging;
using StripeIntercom.Fakes.Stripe;
using StripeIntercom.Stripe;
using StripeIntercom.Tests.Intercom;
using Xunit;

namespace StripeIntercom.Tests.Stripe;

/// <summary>
/// MRR, plan amount, discount, churn and card on the billing shapes Stripe documents, read over HTTP from the fake.
/// Each expected figure is worked out here from Stripe's rules (Billing analytics: active and past_due subscriptions,
/// monthly normalised, forever coupons only, no trials, metered prices or taxes; tiered pricing: volume and graduated).
/// </summary>
public sealed class BillingFiguresTests : IAsyncLifetime
{
    private FakeStripeServer _server = null!;
    private readonly ListLogger _log = new();

    private FakeStripeState State => _server.State;

    public async Task InitializeAsync() =>
        _server = await FakeStripeServer.StartAsync(
            new FakeStripeOptions { CustomerCount = 3, Seed = 7, RequestsPerSecond = 0 });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private StripeCustomerReader Reader() =>
        new(new StripeSettings { ApiKey = _server.Options.ApiKey, ApiBase = _server.BaseUrl }, _log);

    private FakePrice Price(long? unitAmount, string currency = "usd", string interval = "month",
        string? nickname = null) =>
        State.AddPrice(
            new FakePrice
            {
                Currency = currency,
                UnitAmount = unitAmount,
                Nickname = nickname,
                Recurring = new FakePriceRecurring { Interval = interval }
            });

    /// <summary>Tiers as (up_to or null for inf, unit amount, flat amount), in cents.</summary>
    private FakePrice Tiered(string mode, params (long? UpTo, long Unit, long Flat)[] tiers) =>
        State.AddPrice(new FakePrice
        {
            Currency = "usd",
            UnitAmount = null,
            BillingScheme = "tiered",
            TiersMode = mode,
            Nickname = $"Seats ({mode})",
            Tiers = tiers.Select(
                t => new FakePriceTier { UpTo = t.UpTo, UnitAmount = t.Unit, FlatAmount = t.Flat == 0 ? null : t.Flat })
                .ToList(),
        });

    private FakeCoupon Coupon(decimal? percentOff = null, long? amountOff = null, string? currency = null,
        string duration = "forever", long? months = null) =>
        State.AddCoupon(
            new FakeCoupon
            {
                PercentOff = percentOff,
                AmountOff = amountOff,
                Currency = currency,
                Duration = duration,
                DurationInMonths = months
            });

    private string Customer(string name) =>
        State.CreateCustomer(new FakeCustomerChange { Email = $"{name}@shapes.example.com", Name = name }).Id;

    private async Task<CustomerProfile> Profile(string customerId)
    {
        using var reader = Reader();
        return (await reader.GetAsync(customerId))!;
    }

    private async Task<CustomerProfile> Subscribed(params FakeSubscriptionSpec[] subscriptions)
    {
        var customer = Customer("c" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var spec in subscriptions)
        {
            State.Subscribe(customer, spec);
        }

        return await Profile(customer);
    }

    [Theory]
    [InlineData(5, 5 * 10.00)]    // within the first tier: every seat at 10.00
    [InlineData(10, 10 * 10.00)]  // up_to is inclusive
    [InlineData(12, 12 * 8.00)]   // the whole quantity at the tier it reaches
    [InlineData(60, 60 * 6.00)]   // past the last bound: up_to inf
    public async Task Volume_tiers_price_the_whole_quantity_at_the_tier_reached(long seats, double expected)
    {
        var price = Tiered("volume", (10, 1_000, 0), (50, 800, 0), (null, 600, 0));
        var profile = await Subscribed(new FakeSubscriptionSpec { Items = [new(price.Id, seats)] });

        Assert.Equal((decimal)expected, profile.Mrr);
        Assert.Equal((decimal)expected, profile.PrimarySubscription!.Amount);
        Assert.Equal(seats, profile.PrimarySubscription.Quantity);
        Assert.Equal("volume", profile.PrimarySubscription.Items[0].TiersMode);
    }

    [Fact]
    public async Task Graduated_tiers_price_each_slice_at_its_tier_with_flat_amounts()
    {
        var price = Tiered("graduated", (5, 1_200, 2_000), (null, 900, 0));
        var eight = await Subscribed(new FakeSubscriptionSpec { Items = [new(price.Id, 8)] });
        var three = await Subscribed(new FakeSubscriptionSpec { Items = [new(price.Id, 3)] });

        Assert.Equal(5 * 12.00m + 20.00m + 3 * 9.00m, eight.Mrr);
        Assert.Equal(3 * 12.00m + 20.00m, three.Mrr);
    }

    [Fact]
    public async Task Flat_amount_only_tiers_and_a_tiered_item_beside_a_flat_one()
    {
        var bands = Tiered("volume", (10, 0, 5_000), (null, 0, 9_000));
        var seats = Tiered("volume", (10, 1_000, 0), (null, 800, 0));
        var flat = Price(2_900, nickname: "Pro monthly");

        var band = await Subscribed(new FakeSubscriptionSpec { Items = [new(bands.Id, 25)] });
        var mixed = await Subscribed(new FakeSubscriptionSpec { Items = [new(flat.Id), new(seats.Id, 12)] });

        Assert.Equal(90.00m, band.Mrr);
        Assert.Equal(29.00m + 12 * 8.00m, mixed.Mrr);
        Assert.Equal("Seats (volume)", mixed.Plan);
    }

    [Fact]
    public async Task Tiers_are_read_once_per_price_not_once_per_customer()
    {
        var price = Tiered("volume", (10, 1_000, 0), (null, 800, 0));
        for (var i = 0; i < 3; i++)
        {
            State.Subscribe(Customer($"tiered{i}"), new FakeSubscriptionSpec { Items = [new(price.Id, 4 + i)] });
        }

        _server.Counters.Reset();

        using var reader = Reader();
        var profiles = await reader.ReadAsync(new CustomerQuery { Email = null }).ToListAsync();

        Assert.Equal([40m, 50m, 60m],
            profiles.Where(p => p.Email!.StartsWith("tiered")).OrderBy(p => p.Mrr).Select(p => p.Mrr));
        Assert.Equal(1, _server.Counters.For("GET /v1/prices/{id}"));
    }

    [Fact]
    public async Task Forever_coupons_reduce_mrr_percent_or_amount_and_yearly_plans_divide_by_twelve()
    {
        var half = await Subscribed(
            new FakeSubscriptionSpec { Items = [new(Price(2_900).Id)], Coupons = [Coupon(percentOff: 50).Id] });
        var tenOff = await Subscribed(
            new FakeSubscriptionSpec
            {
                Items = [new(Price(9_900).Id)],
                Coupons = [Coupon(amountOff: 1_000, currency: "usd").Id]
            });
        var yearly = await Subscribed(
            new FakeSubscriptionSpec
            {
                Items = [new(Price(120_000, interval: "year").Id)],
                Coupons = [Coupon(percentOff: 25).Id]
            });

        Assert.Equal(29.00m * 0.5m, half.Mrr);
        Assert.Equal("50% off forever", half.DiscountDescription);
        Assert.Equal(99.00m - 10.00m, tenOff.Mrr);
        Assert.Equal("10.00 USD off forever", tenOff.DiscountDescription);
        Assert.Equal(1_200.00m * 0.75m / 12, yearly.Mrr);
        Assert.Equal(1_200.00m * 0.75m, yearly.PrimarySubscription!.Amount);
    }

    [Fact]
    public async Task Once_and_repeating_coupons_leave_mrr_alone_but_are_shown()
    {
        var repeating = await Subscribed(
            new FakeSubscriptionSpec
            {
                Items = [new(Price(9_900).Id)],
                Coupons = [Coupon(percentOff: 20, duration: "repeating", months: 3).Id]
            });
        var once = await Subscribed(
            new FakeSubscriptionSpec
            {
                Items = [new(Price(9_900).Id)],
                Coupons = [Coupon(amountOff: 1_500, currency: "usd", duration: "once").Id]
            });

        Assert.Equal(99.00m, repeating.Mrr);
        var end = repeating.Discounts.Single().End!.Value;
        Assert.Equal($"20% off for 3 months, until {end:yyyy-MM-dd}", repeating.DiscountDescription);
        Assert.Equal(99.00m, once.Mrr);
        Assert.Equal("15.00 USD off once", once.DiscountDescription);
    }

    [Fact]
    public async Task Two_forever_coupons_apply_in_order_each_to_what_the_previous_left()
    {
        var price = Price(10_000);
        var percentFirst = await Subscribed(
            new FakeSubscriptionSpec
            {
                Items = [new(price.Id)],
                Coupons = [Coupon(percentOff: 25).Id, Coupon(amountOff: 1_000, currency: "usd").Id]
            });
        var amountFirst = await Subscribed(
            new FakeSubscriptionSpec
            {
                Items = [new(price.Id)],
                Coupons = [Coupon(amountOff: 1_000, currency: "usd").Id, Coupon(percentOff: 25).Id]
            });

        Assert.Equal(100.00m * 0.75m - 10.00m, percentFirst.Mrr);
        Assert.Equal((100.00m - 10.00m) * 0.75m, amountFirst.Mrr);
        Assert.Equal("25% off forever; 10.00 USD off forever", percentFirst.DiscountDescription);
    }

    [Fact]
    public async Task A_discount_never_takes_mrr_below_zero()
    {
        var profile = await Subscribed(
            new FakeSubscriptionSpec
            {
                Items = [new(Price(500).Id)],
                Coupons = [Coupon(amountOff: 1_000, currency: "usd").Id]
            });

        Assert.Equal(0m, profile.Mrr);
        Assert.Equal(0m, profile.PrimarySubscription!.Amount);
    }

    [Fact]
    public async Task An_item_discount_applies_to_its_item_only()
    {
        var profile = await Subscribed(new FakeSubscriptionSpec
        {
            Items = [new(Price(2_900).Id, 1, [Coupon(percentOff: 25).Id]), new(Price(1_000).Id)],
        });

        Assert.Equal(29.00m * 0.75m + 10.00m, profile.Mrr);
        Assert.Equal("25% off forever", profile.DiscountDescription);
    }

    [Fact]
    public async Task The_customers_discount_applies_where_a_subscription_has_none()
    {
        var customer = Customer("loyal");
        State.GiveCustomerDiscount(customer, Coupon(percentOff: 50).Id);
        State.Subscribe(customer, new FakeSubscriptionSpec { Items = [new(Price(9_900).Id)] });
        State.Subscribe(customer,
            new FakeSubscriptionSpec
            {
                Items = [new(Price(4_000).Id)],
                Coupons = [Coupon(amountOff: 1_000, currency: "usd").Id]
            });

        var profile = await Profile(customer);

        // 99.00 at the customer's 50%; 40.00 keeps its own 10.00 off instead.
        Assert.Equal(99.00m * 0.5m + (40.00m - 10.00m), profile.Mrr);
        Assert.Equal("50% off forever", profile.CustomerDiscount!.Description);
    }

    [Fact]
    public async Task An_amount_off_in_another_currency_is_ignored_with_a_warning_naming_it()
    {
        var euros = Coupon(amountOff: 500, currency: "eur");
        var profile =
            await Subscribed(new FakeSubscriptionSpec { Items = [new(Price(2_900).Id)], Coupons = [euros.Id] });

        Assert.Equal(29.00m, profile.Mrr);
        var warning = Assert.Single(_log.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains(euros.Id, warning.Message);
        Assert.Contains(profile.Id, warning.Message);
        Assert.Contains("EUR", warning.Message);
    }

    [Fact]
    public async Task Metered_items_trials_and_taxes_stay_out_of_mrr()
    {
        var metered = State.AddPrice(new FakePrice
        {
            Currency = "usd",
            UnitAmount = null,
            UnitAmountDecimal = "0.5",
            Nickname = "API calls",
            Recurring = new FakePriceRecurring { Interval = "month", UsageType = "metered" },
        });
        var withMeter =
            await Subscribed(new FakeSubscriptionSpec { Items = [new(Price(2_900).Id), new(metered.Id, null)] });
        var trial = await Subscribed(new FakeSubscriptionSpec { Status = "trialing", Items = [new(Price(2_900).Id)] });

        Assert.Equal(29.00m, withMeter.Mrr);
        Assert.True(withMeter.PrimarySubscription!.Items[1].Metered);
        Assert.Equal(0, withMeter.PrimarySubscription.Items[1].Quantity);
        Assert.Equal(0m, trial.Mrr);
        Assert.Equal("trialing", trial.SubscriptionStatus);
    }

    [Fact]
    public async Task Three_decimal_currencies_and_fractional_cent_prices_stay_exact()
    {
        var dinars = await Subscribed(new FakeSubscriptionSpec { Items = [new(Price(12_345, currency: "kwd").Id, 2)] });
        var fractional = State.AddPrice(
            new FakePrice
            {
                Currency = "usd",
                UnitAmount = null,
                UnitAmountDecimal = "1999.5",
                Recurring = new FakePriceRecurring()
            });
        var cents = await Subscribed(new FakeSubscriptionSpec { Items = [new(fractional.Id, 2)] });

        Assert.Equal(2 * 12.345m, dinars.Mrr);
        Assert.Equal(2 * 19.995m, cents.Mrr);
    }

    [Fact]
    public async Task A_churned_customer_is_canceled_with_its_last_plan_and_when_it_ended()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(State.Now);
        var endedAt = now.AddDays(-20).ToUnixTimeSeconds();
        var churned = Customer("churned");
        State.Subscribe(churned,
            new FakeSubscriptionSpec
            {
                Status = "canceled",
                Items = [new(Price(2_900, nickname: "Old plan").Id)],
                EndedAt = endedAt - 100 * 86_400
            });
        State.Subscribe(churned,
            new FakeSubscriptionSpec
            {
                Status = "canceled",
                Items = [new(Price(4_900, nickname: "Pro monthly").Id)],
                EndedAt = endedAt
            });
        var lead = Customer("lead");

        var profile = await Profile(churned);
        var never = await Profile(lead);

        Assert.Equal("canceled", profile.SubscriptionStatus);
        Assert.Equal("Pro monthly", profile.Plan);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(endedAt), profile.CanceledAt);
        Assert.Equal(0m, profile.Mrr);
        Assert.Empty(profile.Subscriptions);
        Assert.Equal("none", never.SubscriptionStatus);
        Assert.Null(never.CanceledAt);
    }

    [Fact]
    public async Task A_full_read_finds_churned_customers_with_one_listing_not_a_call_each()
    {
        var churned = Enumerable.Range(0, 4).Select(i => Customer($"gone{i}")).ToList();
        foreach (var id in churned)
        {
            State.Subscribe(id,
                new FakeSubscriptionSpec
                {
                    Status = "canceled",
                    Items = [new(Price(2_900).Id)],
                    EndedAt = State.Now - 86_400
                });
        }

        var canceledInFake = State.Data.Subscriptions.Count(s => s.Status == "canceled");
        _server.Counters.Reset();

        using var reader = Reader();
        var profiles = await reader.ReadAsync().ToListAsync();

        Assert.All(profiles.Where(p => churned.Contains(p.Id)), p => Assert.Equal("canceled", p.SubscriptionStatus));
        Assert.Equal((canceledInFake + 99) / 100, _server.Counters.For("GET /v1/subscriptions"));
    }

    [Fact]
    public async Task A_subscription_canceled_since_the_last_read_turns_the_customer_canceled()
    {
        var customer = Customer("leaving");
        var subscription = State.Subscribe(customer,
            new FakeSubscriptionSpec { Items = [new(Price(2_900, nickname: "Pro monthly").Id)] });
        Assert.Equal("active", (await Profile(customer)).SubscriptionStatus);

        var emitted = State.ChangeCustomer(customer,
            new FakeCustomerChange { SubscriptionId = subscription.Id, SubscriptionStatus = "canceled" });
        var profile = await Profile(customer);

        Assert.Contains("customer.subscription.deleted", emitted);
        Assert.Equal("canceled", profile.SubscriptionStatus);
        Assert.Equal("Pro monthly", profile.Plan);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(State.Find<FakeSubscription>(subscription.Id)!.EndedAt!.Value),
            profile.CanceledAt);
    }

    [Fact]
    public async Task A_legacy_card_source_is_the_card_when_no_payment_method_is_set()
    {
        var customer = Customer("legacy");
        State.AddCardSource(customer, "MasterCard", "4444", 8, 2031);
        State.Subscribe(customer, new FakeSubscriptionSpec { Items = [new(Price(2_900).Id)] });

        var card = (await Profile(customer)).DefaultCard;

        Assert.NotNull(card);
        Assert.Equal("mastercard", card!.Brand);
        Assert.Equal("4444", card.Last4);
        Assert.Equal("08/2031", card.Expiry);
    }
}
