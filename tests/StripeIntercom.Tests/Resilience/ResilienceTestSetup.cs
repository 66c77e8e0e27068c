using Microsoft.Extensions.Logging;
using StripeIntercom.Resilience;

namespace StripeIntercom.Tests.Resilience;

internal static class ResilienceTestSetup
{
    /// <summary>Production behaviour with millisecond timings.</summary>
    public static ResilienceOptions FastOptions(string serviceName = "Intercom") => new()
    {
        ServiceName = serviceName,
        MaxRetries = 6,
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(20),
        RateLimitResetJitter = TimeSpan.FromMilliseconds(10),
        AttemptTimeout = TimeSpan.FromSeconds(5),
        OverallTimeout = TimeSpan.FromSeconds(20),
    };

    public static HttpClient Client(ScriptedServer server, ResilienceOptions options, ResilienceCounters counters,
        RateLimitBudget? budget = null, ILogger? logger = null) =>
        Client(server.BaseUrl, options, counters, budget, logger);

    public static HttpClient Client(Uri baseUrl, ResilienceOptions options, ResilienceCounters counters,
        RateLimitBudget? budget = null, ILogger? logger = null) =>
        new(ResilientHandlerFactory.Create(options, budget, counters, logger))
        {
            BaseAddress = baseUrl,
            // The handler enforces its own overall timeout; HttpClient's would cancel as if the caller had.
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
