using StripeIntercom.Resilience;
using Xunit;

namespace StripeIntercom.Tests.Resilience;

public sealed class ResilienceOptionsTests
{
    [Fact]
    public void Presets_name_their_service_and_are_valid()
    {
        var stripe = ResilienceOptions.ForStripe();
        var intercom = ResilienceOptions.ForIntercom();

        stripe.Validate();
        intercom.Validate();
        Assert.Equal("Stripe", stripe.ServiceName);
        Assert.Equal("Intercom", intercom.ServiceName);
        Assert.Equal(6, intercom.MaxRetries);
        Assert.Equal(TimeSpan.FromMinutes(5), intercom.OverallTimeout);
    }

    [Fact]
    public void Settings_Polly_would_reject_are_named_up_front()
    {
        var options = ResilienceOptions.ForIntercom();
        options.BreakDuration = TimeSpan.FromMilliseconds(100);

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("Intercom", error.Message);
        Assert.Equal(nameof(ResilienceOptions.BreakDuration), error.ParamName);
    }
}
