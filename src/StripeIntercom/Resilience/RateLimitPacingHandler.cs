using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Resilience;

/// <summary>
/// Holds each request until its service's <see cref="RateLimitBudget"/> allows it, and reports every response back to
/// the budget. Sits below <see cref="ResilientHttpHandler"/> so that every attempt, retries included, is paced.
/// </summary>
public sealed class RateLimitPacingHandler : DelegatingHandler
{
    private readonly RateLimitBudget _budget;
    private readonly ResilienceCounters _counters;

    public RateLimitPacingHandler(RateLimitBudget budget, ResilienceCounters counters)
    {
        _budget = budget ?? throw new ArgumentNullException(nameof(budget));
        _counters = counters ?? throw new ArgumentNullException(nameof(counters));
    }

    public RateLimitPacingHandler(RateLimitBudget budget, ResilienceCounters counters, HttpMessageHandler innerHandler)
        : this(budget, counters)
    {
        InnerHandler = innerHandler;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        var attempts = RequestAttempts.Of(request);
        if (attempts != null)
        {
            attempts.ReachedTransport = false;
        }

        var permit = await _budget.AcquireAsync(cancellationToken).ConfigureAwait(false);
        if (attempts != null)
        {
            attempts.ReachedTransport = true;
        }

        if (permit.Waited > TimeSpan.Zero)
        {
            _counters.RecordPacingDelay(permit.Waited);
        }

        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response;
        }
        finally
        {
            _budget.Complete(permit, response);
        }
    }
}
