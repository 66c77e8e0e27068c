using System;
using System.Net.Http;
using Microsoft.Extensions.Logging;

namespace StripeIntercom.Resilience;

/// <summary>Builds the handler chain a Stripe or Intercom client sends through.</summary>
public static class ResilientHandlerFactory
{
    /// <summary>
    /// Returns <see cref="ResilientHttpHandler"/> -&gt; <see cref="RateLimitPacingHandler"/> (when a budget is given)
    /// -&gt; <paramref name="innermost"/> (a new <see cref="HttpClientHandler"/> by default). Resilience is outermost
    /// so that each retry goes back through pacing: every attempt waits for the budget and reports its rate-limit
    /// headers. Create one chain per service per run and share it across that service's concurrent requests (the
    /// circuit state lives in the chain); share one budget per service and one counters object per run.
    /// </summary>
    public static DelegatingHandler Create(
        ResilienceOptions options,
        RateLimitBudget? budget,
        ResilienceCounters counters,
        ILogger? logger,
        HttpMessageHandler? innermost = null)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (counters is null)
        {
            throw new ArgumentNullException(nameof(counters));
        }

        var transport = innermost ?? CreateNetworkHandler();
        var paced = budget is null ? transport : new RateLimitPacingHandler(budget, counters, transport);
        return new ResilientHttpHandler(options, counters, logger, paced);
    }

    /// <summary>A network handler with enough connections per host for concurrent writers.</summary>
    public static HttpClientHandler CreateNetworkHandler()
    {
        var handler = new HttpClientHandler();
        try
        {
            // .NET Framework (Windows PowerShell) allows 2 connections per host by default, which would queue
            // concurrent writers behind each other after the budget had already let them go.
            handler.MaxConnectionsPerServer = 64;
        }
        catch (PlatformNotSupportedException)
        {
            // Older .NET Framework: the process-wide ServicePointManager setting applies instead.
        }
        return handler;
    }
}
