using StripeIntercom.Fakes.Stripe;
using StripeIntercom.Stripe;
using Xunit;

namespace StripeIntercom.Tests.Stripe;

public sealed class StripeCustomerReaderTests(FakeStripeFixture fixture) : IClassFixture<FakeStripeFixture>
{
    private FakeStripeServer Server => fixture.Server;
    private FakeStripeState State => Server.State;

    private IEnumerable<FakeSubscription> Current(FakeCustomer c) =>
        State.SubscriptionsOf(c.Id).Where(FakeStripeJson.IsCurrent);

    private async Task<CustomerProfile> GetAsync(FakeCustomer customer)
    {
        using var reader = FakeStripeFixture.ReaderFor(Server);
        return (await reader.GetAsync(customer.Id))!;
    }

    /// <summary>Checks every profile field against what the fake holds, with the rules restated
    /// independently.</summary>
    private void AssertMatchesFake(FakeCustomer customer, CustomerProfile profile)
    {
        Assert.Equal(customer.Id, profile.Id);
        Assert.Equal(customer.Email, profile.Email);
        Assert.Equal(customer.Name, profile.Name);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(customer.Created), profile.Created);
        Assert.Equal(customer.Currency == "jpy" ? customer.Balance : customer.Balance / 100m, profile.Balance);
        Assert.Equal(customer.Delinquent, profile.Delinquent);
        Assert.False(profile.Deleted);
        Assert.Equal($"https://dashboard.stripe.com/test/customers/{customer.Id}", profile.DashboardUrl);

        var subscriptions = Current(customer).ToList();
        Assert.Equal(subscriptions.Select(s => s.Id).Order(), profile.Subscriptions.Select(s => s.Id).Order());
        foreach (var sub in subscriptions)
        {
            var summary = profile.Subscriptions.Single(s => s.Id == sub.Id);
            Assert.Equal(sub.Status, summary.Status);
            Assert.Equal(sub.Currency, summary.Currency);
            Assert.Equal(sub.CancelAtPeriodEnd, summary.CancelAtPeriodEnd);
            Assert.Equal(sub.Items.Sum(i => i.Quantity), summary.Quantity);
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(sub.Items.Min(i => i.CurrentPeriodEnd)),
                summary.CurrentPeriodEnd);
            var divisor = sub.Currency == "jpy" ? 1m : 100m;
            var monthly = sub.Items.Sum(i =>
            {
                var price = State.Find<FakePrice>(i.PriceId)!;
                var perMonth = price.Recurring.Interval switch
                {
                    "year" => 1m / 12,
                    "week" => 52m / 12,
                    "day" => 365m / 12,
                    _ => 1m
                } / price.Recurring.IntervalCount;
                return price.UnitAmount!.Value * i.Quantity!.Value / divisor * perMonth;
            });
            Assert.Equal(Math.Round(monthly, sub.Currency == "jpy" ? 0 : 2, MidpointRounding.AwayFromZero),
                summary.MonthlyAmount);
            var top = sub.Items.Select(i => State.Find<FakePrice>(i.PriceId)!).First();
            if (sub.Items.Count == 1)
            {
                Assert.Equal(top.Nickname ?? State.Find<FakeProduct>(top.Product)!.Name, summary.PlanName);
            }

            var invoice = State.Find<FakeInvoice>(sub.LatestInvoice)!;
            Assert.Equal(invoice.Id, summary.LatestInvoice!.Id);
            Assert.Equal(invoice.Status, summary.LatestInvoice.Status);
            Assert.Equal(invoice.AttemptCount, summary.LatestInvoice.AttemptCount);
        }

        var expectedCard = State.Find<FakePaymentMethod>(customer.InvoiceSettings.DefaultPaymentMethod)
                           ?? subscriptions.Select(s => State.Find<FakePaymentMethod>(s.DefaultPaymentMethod))
                               .FirstOrDefault(p => p is not null);
        Assert.Equal(expectedCard?.Card.Last4, profile.DefaultCard?.Last4);
        Assert.Equal(expectedCard?.Card.ExpYear, profile.DefaultCard?.ExpYear);

        if (profile.PrimarySubscription is { } primary && subscriptions.Count > 0)
        {
            var invoice = State.Find<FakeInvoice>(subscriptions.Single(s => s.Id == primary.Id).LatestInvoice)!;
            Assert.Equal(invoice.Status == "open" && invoice.AttemptCount > 0, profile.PaymentFailing);
            var counted =
                profile.Subscriptions.Where(s => s.Status is "active" or "past_due" && s.Currency == primary.Currency);
            Assert.Equal(primary.Status is "active" or "past_due" ? counted.Sum(s => s.MonthlyAmount) : 0m,
                profile.Mrr);
        }
        else
        {
            // No live subscription: churned (the one that ended last) or never subscribed.
            var ended = State.SubscriptionsOf(customer.Id).Where(s => s.Status == "canceled").MaxBy(s => s.EndedAt);
            Assert.Equal(ended is null ? "none" : "canceled", profile.SubscriptionStatus);
            Assert.Equal(ended?.Id, profile.PrimarySubscription?.Id);
            Assert.Equal(ended?.EndedAt is { } endedAt ? DateTimeOffset.FromUnixTimeSeconds(endedAt) : null,
                profile.CanceledAt);
            Assert.Equal(0m, profile.Mrr);
        }
    }

    [Fact]
    public async Task Trialing_customer_profile_matches_the_fake()
    {
        var customer =
            State.LiveCustomers().First(c => Current(c).Count() == 1 && Current(c).Single().Status == "trialing");
        var profile = await GetAsync(customer);
        AssertMatchesFake(customer, profile);
        Assert.Equal("trialing", profile.SubscriptionStatus);
        Assert.NotNull(profile.PrimarySubscription!.TrialEnd);
        Assert.Equal(0m, profile.Mrr);
    }

    [Fact]
    public async Task Past_due_customer_with_a_failing_invoice_is_flagged()
    {
        var customer =
            State.LiveCustomers().First(c => Current(c).Count() == 1 && Current(c).Single().Status == "past_due");
        var profile = await GetAsync(customer);
        AssertMatchesFake(customer, profile);
        var invoice = State.Find<FakeInvoice>(Current(customer).Single().LatestInvoice)!;
        Assert.True(profile.PaymentFailing);
        Assert.True(profile.Delinquent);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(invoice.StatusTransitions.FinalizedAt!.Value),
            profile.PaymentFailingSince);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(invoice.NextPaymentAttempt!.Value),
            profile.LatestInvoice!.NextPaymentAttempt);
        Assert.Equal(invoice.AmountDue / 100m, profile.LatestInvoice.AmountDue);
        Assert.True(profile.Mrr > 0);
    }

    [Fact]
    public async Task Multi_subscription_multi_item_multi_currency_and_no_email_customers_match_the_fake()
    {
        var live = State.LiveCustomers();
        var shapes = new[]
        {
            live.First(c => Current(c).Count() >= 3),
            live.First(c => Current(c).Any(s => s.Items.Count > 1)),
            live.First(c => Current(c).Select(s => s.Currency).Distinct().Count() > 1),
            live.First(c => c.Email is null),
            live.First(c => c.Balance < 0),
            live.First(c => !State.SubscriptionsOf(c.Id).Any()),
            live.First(c => !Current(c).Any() && State.SubscriptionsOf(c.Id).Any()),
            live.First(c => Current(c).Any(s => s.Currency == "jpy")),
        };
        foreach (var customer in shapes)
        {
            AssertMatchesFake(customer, await GetAsync(customer));
        }
    }

    [Fact]
    public async Task Primary_subscription_prefers_status_then_amount()
    {
        var customer = State.LiveCustomers().First(c => Current(c).Select(s => s.Status).Distinct().Count() > 1);
        var profile = await GetAsync(customer);
        var best = profile.Subscriptions.Min(s => PrimarySubscriptionRule.StatusRank(s.Status));
        Assert.Equal(best, PrimarySubscriptionRule.StatusRank(profile.PrimarySubscription!.Status));
        Assert.Equal(profile.Subscriptions.Where(s => PrimarySubscriptionRule.StatusRank(s.Status) == best)
            .Max(s => s.MonthlyAmount), profile.PrimarySubscription.MonthlyAmount);
    }

    [Fact]
    public async Task Get_returns_deleted_profiles_and_null_for_unknown_ids()
    {
        using var reader = FakeStripeFixture.ReaderFor(Server);
        var deleted = State.DeletedCustomers()[0];
        var profile = await reader.GetAsync(deleted.Id);
        Assert.True(profile!.Deleted);
        Assert.Equal(deleted.Id, profile.Id);
        Assert.Null(await reader.GetAsync("cus_doesnotexist00"));
    }

    [Fact]
    public async Task Read_filters_by_email_and_created_range()
    {
        using var reader = FakeStripeFixture.ReaderFor(Server);
        var target = State.LiveCustomers().First(c => c.Email is not null);
        var byEmail = await reader.ReadAsync(new CustomerQuery { Email = target.Email }).ToListAsync();
        Assert.Equal([target.Id], byEmail.Select(p => p.Id));

        var live = State.LiveCustomers();
        var after = DateTimeOffset.FromUnixTimeSeconds(live[20].Created);
        var before = DateTimeOffset.FromUnixTimeSeconds(live[180].Created);
        var range =
            await reader.ReadAsync(new CustomerQuery { CreatedAfter = after, CreatedBefore = before }).ToListAsync();
        Assert.Equal(live.Skip(21).Take(159).Select(c => c.Id).Reverse(), range.Select(p => p.Id));
    }

    [Fact]
    public async Task Include_deleted_adds_deleted_customers_from_events()
    {
        using var reader = FakeStripeFixture.ReaderFor(Server);
        var profiles = await reader.ReadAsync(new CustomerQuery { IncludeDeleted = true }).ToListAsync();
        var deletedIds = State.DeletedCustomers().Select(c => c.Id).Order().ToList();
        Assert.NotEmpty(deletedIds);
        Assert.Equal(deletedIds, profiles.Where(p => p.Deleted).Select(p => p.Id).Order());
        Assert.Equal(State.LiveCustomers().Count, profiles.Count(p => !p.Deleted));
        Assert.DoesNotContain(profiles, p => p.Deleted && p.Email is null && State.Customer(p.Id)!.Email is not null);
    }

    [Fact]
    public async Task Wrong_key_throws_credentials_exception_without_the_key()
    {
        const string key = "sk_test_totallyWrongKey9876";
        using var reader = FakeStripeFixture.ReaderFor(Server, key);
        var verify = await Assert.ThrowsAsync<StripeCredentialsException>(() => reader.VerifyCredentialsAsync());
        var read =
            await Assert.ThrowsAsync<StripeCredentialsException>(async () => await reader.ReadAsync().ToListAsync());
        foreach (var e in new[] { verify, read })
        {
            var text = e.ToString();
            Assert.DoesNotContain(key, text);
            Assert.DoesNotContain("9876", text);
            Assert.DoesNotContain("*", text);
            Assert.Contains("Stripe", e.Message);
        }
        using var good = FakeStripeFixture.ReaderFor(Server);
        await good.VerifyCredentialsAsync();
        Assert.Equal(1, good.ApiCalls);
    }
}
