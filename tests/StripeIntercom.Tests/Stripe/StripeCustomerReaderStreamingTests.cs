using StripeIntercom.Fakes.Stripe;
using StripeIntercom.Stripe;
using Xunit;
using Xunit.Abstractions;

namespace StripeIntercom.Tests.Stripe;

/// <summary>Tests that read the fake's counters, each with its own server so nothing else adds requests.</summary>
public sealed class StripeCustomerReaderStreamingTests(ITestOutputHelper output)
{
    private const string CustomersRoute = "GET /v1/customers";

    [Fact]
    public async Task Profiles_stream_with_one_page_read_ahead_and_no_more()
    {
        await using var server =
            await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 250, RequestsPerSecond = 0 });
        using var reader = FakeStripeFixture.ReaderFor(server);
        await using var profiles = reader.ReadAsync(CustomerQuery.All).GetAsyncEnumerator();
        Assert.True(await profiles.MoveNextAsync());
        // The second page is on its way while the first is synced; the third waits for the second to arrive.
        Assert.InRange(server.Counters.For(CustomersRoute), 1, 2);
        var count = 1;
        while (await profiles.MoveNextAsync())
        {
            count++;
        }

        Assert.Equal(server.State.LiveCustomers().Count, count);
        Assert.Equal(3, server.Counters.For(CustomersRoute));
    }

    [Fact]
    public async Task A_read_left_after_its_first_profile_requests_no_page_beyond_the_one_read_ahead()
    {
        await using var server =
            await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 250, RequestsPerSecond = 0 });
        using var reader = FakeStripeFixture.ReaderFor(server);
        await foreach (var _ in reader.ReadAsync(CustomerQuery.All))
        {
            break;
        }

        await Task.Delay(200);
        Assert.InRange(server.Counters.For(CustomersRoute), 1, 2);
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
