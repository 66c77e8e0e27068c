using System.Net;
using StripeIntercom.Fakes.Stripe;
using StripeIntercom.Stripe;
using Xunit;

namespace StripeIntercom.Tests.Stripe;

public sealed class StripeCustomerReaderPipelineTests
{
    private sealed class RecordingHandler : DelegatingHandler
    {
        public List<Uri> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
            CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(request.RequestUri!);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task
        An_open_handler_chain_sits_in_front_of_the_counted_network_calls_and_sees_stripe_nets_form_encoding()
    {
        await using var server =
            await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 30, RequestsPerSecond = 0 });
        var recorder = new RecordingHandler();
        using var reader = new StripeCustomerReader(
            new StripeSettings { ApiKey = server.Options.ApiKey, ApiBase = server.BaseUrl, InnerHandler = recorder });
        var after = DateTimeOffset.FromUnixTimeSeconds(server.State.LiveCustomers()[3].Created);

        var profiles = await reader.ReadAsync(new CustomerQuery { CreatedAfter = after }).ToListAsync();

        Assert.NotEmpty(profiles);
        var query = WebUtility.UrlDecode(recorder.Requests.First(u => u.AbsolutePath == "/v1/customers").Query);
        Assert.Contains("expand[0]=data.subscriptions", query);
        Assert.Contains($"created[gt]={after.ToUnixTimeSeconds()}", query);
        Assert.Contains("limit=100", query);
        Assert.Equal(recorder.Requests.Count, reader.ApiCalls);
        Assert.Equal(server.Counters.Total, reader.ApiCalls);
    }

    /// <summary>Counts the canceled-subscription listings in flight at once.</summary>
    private sealed class CanceledListingsInFlight : DelegatingHandler
    {
        private int _now;

        public int Most { get; private set; }
        public int Total { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
            CancellationToken cancellationToken)
        {
            if (!request.RequestUri!.Query.Contains("status=canceled"))
            {
                return await base.SendAsync(request, cancellationToken);
            }

            var now = Interlocked.Increment(ref _now);
            lock (this)
            {
                Most = Math.Max(Most, now);
                Total++;
            }

            try
            {
                // Long enough that listings started together overlap.
                await Task.Delay(50, cancellationToken);
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _now);
            }
        }
    }

    [Fact]
    public async Task A_read_of_a_few_customers_asks_for_churned_customers_last_subscriptions_8_at_a_time()
    {
        await using var server = await FakeStripeServer.StartAsync(
            new FakeStripeOptions { CustomerCount = 1000, Seed = 42, RequestsPerSecond = 0 });
        var inFlight = new CanceledListingsInFlight();
        using var reader = new StripeCustomerReader(
            new StripeSettings { ApiKey = server.Options.ApiKey, ApiBase = server.BaseUrl, InnerHandler = inFlight });

        var profiles = await reader.ReadAsync(new CustomerQuery { First = 100 }).ToListAsync();

        Assert.Equal(100, profiles.Count);
        // One listing per customer without a live subscription, more of them than go at once.
        var churned = profiles.Count(p => p.Subscriptions.Count == 0);
        Assert.Equal(churned, inFlight.Total);
        Assert.True(churned > 8, $"{churned} customers without a live subscription");
        Assert.Equal(8, inFlight.Most);
    }

    [Fact]
    public async Task Server_errors_surface_as_stripe_exceptions_without_retries()
    {
        await using var server =
            await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 5, RequestsPerSecond = 0 });
        using var reader = FakeStripeFixture.ReaderFor(server);
        server.Faults.Inject(1, status: 503);
        await Assert.ThrowsAsync<global::Stripe.StripeException>(() => reader.VerifyCredentialsAsync());
        Assert.Equal(1, server.Counters.Total);
        await reader.VerifyCredentialsAsync();
        Assert.Equal(2, reader.ApiCalls);
    }
}
