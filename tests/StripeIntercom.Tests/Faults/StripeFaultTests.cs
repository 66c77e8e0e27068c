using StripeIntercom.Fakes.Stripe;
using StripeIntercom.Resilience;
using StripeIntercom.Stripe;
using Xunit;

namespace StripeIntercom.Tests.Faults;

/// <summary>Reading Stripe through the product's resilience chain (millisecond delays) while the fake fails.</summary>
public class StripeFaultTests
{
    [Fact]
    public async Task Reading_2500_customers_through_503s_and_connection_resets_yields_every_profile_exactly_once()
    {
        await using var server = await FakeStripeServer.StartAsync(
            new FakeStripeOptions { CustomerCount = 2500, Seed = 7, RequestsPerSecond = 0 });
        var live = server.State.LiveCustomers().Select(c => c.Id).OrderBy(x => x, StringComparer.Ordinal).ToList();
        var counters = new ResilienceCounters();
        var options = FaultRig.FastOptions();
        options.ServiceName = "Stripe";
        using var reader = new StripeCustomerReader(new StripeSettings
        {
            ApiKey = server.Options.ApiKey,
            ApiBase = server.BaseUrl,
            InnerHandler = ResilientHandlerFactory.Create(options, null, counters, null),
        });

        // Faults before the first page, then more between pages as the reader streams.
        server.Faults.Inject(2, status: 503);
        server.Faults.Inject(1, resetConnection: true);
        var injected = 3;
        var ids = new List<string>();
        await foreach (var profile in reader.ReadAsync(CustomerQuery.All))
        {
            ids.Add(profile.Id);
            // Only once the faults before have fired (so no request meets more of them than its retries), and while
            // pages beyond the ones read ahead are still to come, so every fault has a request to fire on.
            if (ids.Count % 100 == 50 && server.Faults.Pending == 0
                && ids.Count + (StripeCustomerReader.PagesAhead + 3) * 100 < live.Count)
            {
                server.Faults.Inject(1, status: 503);
                server.Faults.Inject(1, resetConnection: true);
                server.Faults.Inject(1, status: 503);
                injected += 3;
            }
        }

        Assert.Equal(0, server.Faults.Pending);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(live, ids.OrderBy(x => x, StringComparer.Ordinal).ToList());
        Assert.True(counters.Retries >= injected, $"{counters.Retries} retries for {injected} faults");
        Assert.True(counters.ConnectionFailures >= injected / 3);
    }
}
