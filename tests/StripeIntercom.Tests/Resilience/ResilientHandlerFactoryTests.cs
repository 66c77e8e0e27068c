using StripeIntercom.Resilience;
using Xunit;

namespace StripeIntercom.Tests.Resilience;

public sealed class ResilientHandlerFactoryTests
{
    [Fact]
    public void Resilience_wraps_pacing_which_wraps_the_transport()
    {
        using var transport = new HttpClientHandler();

        var chain = ResilientHandlerFactory.Create(ResilienceOptions.ForIntercom(), RateLimitBudget.ForIntercom(),
            new ResilienceCounters(), null, transport);

        var resilient = Assert.IsType<ResilientHttpHandler>(chain);
        var pacing = Assert.IsType<RateLimitPacingHandler>(resilient.InnerHandler);
        Assert.Same(transport, pacing.InnerHandler);
    }

    [Fact]
    public void Without_a_budget_resilience_wraps_the_transport_directly()
    {
        var chain = ResilientHandlerFactory.Create(ResilienceOptions.ForStripe(), null, new ResilienceCounters(), null);

        Assert.IsType<HttpClientHandler>(Assert.IsType<ResilientHttpHandler>(chain).InnerHandler);
    }
}
