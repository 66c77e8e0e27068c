using System.Net;
using System.Net.Http.Headers;
using StripeIntercom.Resilience;
using Xunit;

namespace StripeIntercom.Tests.Resilience;

public sealed class RateLimitHeadersTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Retry_After_in_seconds_is_read_as_a_wait()
    {
        using var response = new HttpResponseMessage((HttpStatusCode)429);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));

        Assert.Equal(TimeSpan.FromSeconds(7), RateLimitHeaders.Read(response, Now).RetryAfter);
    }

    [Fact]
    public void Retry_After_as_an_HTTP_date_is_read_as_the_time_left_until_then()
    {
        using var response = new HttpResponseMessage((HttpStatusCode)429);
        response.Headers.TryAddWithoutValidation("Retry-After", Now.AddSeconds(12).ToString("r"));

        Assert.Equal(TimeSpan.FromSeconds(12), RateLimitHeaders.Read(response, Now).RetryAfter);
    }

    [Fact]
    public void A_reset_is_measured_on_the_server_clock_when_ours_is_off()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.Date = Now.AddMinutes(-5);
        response.Headers.TryAddWithoutValidation("X-RateLimit-Limit", "1666");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", "12");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Reset",
            Now.AddMinutes(-5).AddSeconds(4).ToUnixTimeSeconds().ToString());

        var headers = RateLimitHeaders.Read(response, Now);

        Assert.Equal(1666, headers.Limit);
        Assert.Equal(12, headers.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(4), headers.UntilReset);
    }

    [Fact]
    public void Garbage_headers_are_ignored()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", "lots");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Reset", "-3");

        var headers = RateLimitHeaders.Read(response, Now);

        Assert.Null(headers.Remaining);
        Assert.Null(headers.UntilReset);
        Assert.Null(headers.RetryAfter);
    }

    [Fact]
    public void A_limit_of_zero_reads_as_no_rate_limit_information()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("X-RateLimit-Limit", "0");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", "0");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Reset", Now.AddSeconds(8).ToUnixTimeSeconds().ToString());

        var headers = RateLimitHeaders.Read(response, Now);

        Assert.Null(headers.Limit);
        Assert.Null(headers.Remaining);
        Assert.Null(headers.UntilReset);
    }
}
