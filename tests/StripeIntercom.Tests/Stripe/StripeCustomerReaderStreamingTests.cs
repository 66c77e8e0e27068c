using StripeIntercom.Fakes.Stripe;
using StripeIntercom.Stripe;
using Xunit;
using Xunit.Abstractions;

namespace StripeIntercom.Tests.Stripe;

/// <summary>Tests that read the fake's counters, each with its own server so nothing else adds requests.</summary>
public sealed class StripeCustomerReaderStreamingTests(ITestOutputHelper output)
{
    private const string CustomersRoute = "GET /v1/customers";

    // The pages queued ahead, the one being yielded and the one on its way.
    private const int MostPagesRequested = StripeCustomerReader.PagesAhead + 2;

    [Fact]
    public async Task Profiles_stream_with_a_bounded_read_ahead()
    {
        await using var server =
            await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 2500, RequestsPerSecond = 0 });
        using var reader = FakeStripeFixture.ReaderFor(server);
        await using var profiles = reader.ReadAsync(CustomerQuery.All).GetAsyncEnumerator();
        Assert.True(await profiles.MoveNextAsync());
        // While the first customer is held, the pages after it are read, but only so far.
        await WaitUntilAsync(() => server.Counters.For(CustomersRoute) >= MostPagesRequested);
        await Task.Delay(200);
        Assert.Equal(MostPagesRequested, server.Counters.For(CustomersRoute));
        var count = 1;
        while (await profiles.MoveNextAsync())
        {
            count++;
        }

        Assert.Equal(server.State.LiveCustomers().Count, count);
        Assert.Equal((count + 99) / 100, server.Counters.For(CustomersRoute));
    }

    [Fact]
    public async Task A_read_left_after_its_first_profile_requests_no_page_after_it_stops()
    {
        await using var server =
            await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 2500, RequestsPerSecond = 0 });
        using var reader = FakeStripeFixture.ReaderFor(server);
        await foreach (var _ in reader.ReadAsync(CustomerQuery.All))
        {
            break;
        }

        var whenLeft = server.Counters.For(CustomersRoute);
        await Task.Delay(300);
        Assert.InRange(whenLeft, 1, MostPagesRequested);
        Assert.Equal(whenLeft, server.Counters.For(CustomersRoute));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition() && waited < 5000; waited += 10)
        {
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task First_stops_reading_early()
    {
        await using var server =
            await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 250, RequestsPerSecond = 0 });
        using var reader = FakeStripeFixture.ReaderFor(server);
        var five = await reader.ReadAsync(new CustomerQuery { First = 5 }).ToListAsync();
        Assert.Equal(server.State.LiveCustomers().Reverse().Take(5).Select(c => c.Id), five.Select(p => p.Id));
        Assert.Equal(1, server.Counters.For(CustomersRoute));

        server.Counters.Reset();
        var hundredAndTen = await reader.ReadAsync(new CustomerQuery { First = 110 }).ToListAsync();
        Assert.Equal(110, hundredAndTen.Count);
        Assert.Equal(2, server.Counters.For(CustomersRoute));
    }

    [Fact]
    public async Task Syncing_2000_customers_costs_at_most_three_calls_per_hundred()
    {
        await using var server = await FakeStripeServer.StartAsync(
            new FakeStripeOptions { CustomerCount = 2000, Seed = 42, RequestsPerSecond = 0, BillingShapes = true });
        using var reader = FakeStripeFixture.ReaderFor(server);
        var profiles = 0;
        var cutLists = 0;
        await foreach (var profile in reader.ReadAsync(CustomerQuery.All))
        {
            profiles++;
            if (profile.Subscriptions.Count > FakeStripeJson.EmbeddedSubscriptionLimit)
            {
                cutLists++;
            }
        }

        var callsPerCustomer = (double)server.Counters.Total / profiles;
        output.WriteLine(
            $"{profiles} customers, {server.Counters.Total} Stripe calls ({callsPerCustomer:0.0000} per customer); " +
            $"{cutLists} customers needed their own subscriptions call");
        foreach (var (route, count) in server.Counters.Snapshot())
        {
            output.WriteLine($"  {route}: {count}");
        }

        Assert.Equal(server.State.LiveCustomers().Count, profiles);
        Assert.True(cutLists > 0, "the data set should hold customers with more than 10 subscriptions");
        var canceled = server.State.Data.Subscriptions.Count(s => s.Status == "canceled");
        var canceledPages = (canceled + 99) / 100;
        Assert.Equal(cutLists + canceledPages, server.Counters.For("GET /v1/subscriptions"));
        var tiered = server.State.Data.Prices.Count(p => p.BillingScheme == "tiered");
        Assert.InRange(server.Counters.For("GET /v1/prices/{id}"), 1, tiered);
        Assert.Equal(1, server.Counters.For("GET /v1/coupons"));
        Assert.True(callsPerCustomer <= 0.03, $"{callsPerCustomer} calls per customer");
        Assert.Equal(server.Counters.Total, reader.ApiCalls);
        Assert.Equal(server.Counters.Snapshot(),
            reader.ApiCallsByRoute.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
    }
}
