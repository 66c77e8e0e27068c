using System.Diagnostics;
using System.Net;
using StripeIntercom.Resilience;
using Xunit;
using Xunit.Abstractions;
using static StripeIntercom.Tests.Resilience.ResilienceTestSetup;

namespace StripeIntercom.Tests.Resilience;

// Timing-sensitive: these run one after another, not alongside each other.
[Collection(nameof(RateLimitPacingTests))]
public sealed class RateLimitPacingTests(ITestOutputHelper output)
{
    private const int Workers = 16;
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task With_a_budget_concurrent_writers_stay_under_the_server_limit()
    {
        await using var server = await WindowedRateLimitServer.StartAsync(limit: 20, OneSecond);
        var counters = new ResilienceCounters();
        using var client = Client(server.BaseUrl, RateLimitedOptions(), counters, new RateLimitBudget(20, OneSecond));

        var statuses = await RunWorkersAsync(client, requestsPerWorker: 5);
        Report(server, counters);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(Workers * 5, server.Accepted);
        Assert.True(server.Throttled <= 1, $"{server.Throttled} requests were throttled");
        Assert.True(counters.PacingDelays > 0);
    }

    [Fact]
    public async Task Without_a_budget_the_same_load_is_throttled()
    {
        await using var server = await WindowedRateLimitServer.StartAsync(limit: 20, OneSecond);
        var counters = new ResilienceCounters();
        using var client = Client(server.BaseUrl, RateLimitedOptions(), counters, budget: null);

        var statuses = await RunWorkersAsync(client, requestsPerWorker: 5);
        Report(server, counters);

        Assert.True(server.Throttled > 0, "the server never throttled: this load cannot tell pacing from luck");
        Assert.Equal(server.Throttled, counters.ThrottledResponses);
        // Retries that honour X-RateLimit-Reset still get everything through, only with 429s on the way.
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task Server_headers_alone_keep_writers_under_the_limit_when_the_ceiling_is_loose()
    {
        await using var server = await WindowedRateLimitServer.StartAsync(limit: 20, OneSecond);
        var counters = new ResilienceCounters();
        using var client = Client(server.BaseUrl, RateLimitedOptions(), counters, new RateLimitBudget(1000, OneSecond));

        var statuses = await RunWorkersAsync(client, requestsPerWorker: 4);
        Report(server, counters);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.True(server.Throttled <= 1, $"{server.Throttled} requests were throttled");
    }

    [Fact]
    public async Task The_local_ceiling_holds_in_every_server_window()
    {
        await using var server = await WindowedRateLimitServer.StartAsync(limit: 1000, OneSecond);
        var counters = new ResilienceCounters();
        using var client = Client(server.BaseUrl, RateLimitedOptions(), counters, new RateLimitBudget(10, OneSecond));

        var statuses = await RunWorkersAsync(client, requestsPerWorker: 2);
        Report(server, counters);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.True(server.BusiestWindow <= 10, $"{server.BusiestWindow} requests reached the server in one window");
        Assert.True(counters.PacingDelays >= Workers * 2 - 10);
        Assert.True(counters.PacingWaitTime > TimeSpan.Zero);
    }

    [Fact]
    public async Task Waiting_for_the_budget_ends_when_the_caller_cancels()
    {
        var budget = new RateLimitBudget(1, TimeSpan.FromSeconds(30));
        await budget.AcquireAsync(CancellationToken.None);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => budget.AcquireAsync(cancellation.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"cancellation took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Attempts_that_time_out_while_held_back_by_the_budget_do_not_open_the_circuit()
    {
        await using var server = await ScriptedServer.StartAsync(Respond.Ok());
        var budget = new RateLimitBudget(1, TimeSpan.FromSeconds(30));
        await budget.AcquireAsync(CancellationToken.None);
        var counters = new ResilienceCounters();
        var options = FastOptions();
        options.MaxRetries = 2;
        options.AttemptTimeout = TimeSpan.FromMilliseconds(100);
        options.MinimumThroughput = 2;
        options.SamplingDuration = TimeSpan.FromSeconds(10);
        using var client = Client(server, options, counters, budget);

        for (var i = 0; i < 2; i++)
        {
            var timeout = await Assert.ThrowsAsync<ServiceTimeoutException>(() => client.GetAsync("contacts"));
            Assert.False(timeout.IsOverall);
            Assert.Contains("rate-limit budget", timeout.Message);
        }

        Assert.Equal(0, server.Hits);
        Assert.Equal(6, counters.Timeouts);
        Assert.Equal(0, counters.CircuitBreaks);
    }

    private void Report(WindowedRateLimitServer server, ResilienceCounters counters) =>
        output.WriteLine(
            $"server: accepted {server.Accepted}, throttled {server.Throttled}, busiest window " +
            $"{server.BusiestWindow}; client: {counters.Snapshot()}");

    private static ResilienceOptions RateLimitedOptions()
    {
        var options = FastOptions();
        options.MaxRetries = 10;
        // Lets a throttled retry wait for the whole 1-second window.
        options.MaxDelay = TimeSpan.FromSeconds(2);
        return options;
    }

    private static async Task<HttpStatusCode[]> RunWorkersAsync(HttpClient client, int requestsPerWorker)
    {
        var workers = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < requestsPerWorker; i++)
            {
                using var response =
                    await client.PutAsync($"contacts/{worker}-{i}", new StringContent("{\"name\":\"x\"}"));
                statuses.Add(response.StatusCode);
            }
            return statuses;
        }));
        return (await Task.WhenAll(workers)).SelectMany(s => s).ToArray();
    }
}
