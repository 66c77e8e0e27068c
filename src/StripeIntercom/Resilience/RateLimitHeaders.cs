using System;
using System.Globalization;
using System.Linq;
using System.Net.Http;

namespace StripeIntercom.Resilience;

/// <summary>
/// The rate-limit facts a response carries: Intercom sends X-RateLimit-Limit, -Remaining and -Reset (Unix seconds)
/// on every response; Retry-After is standard HTTP but neither service promises it.
/// </summary>
internal sealed class RateLimitHeaders
{
    private RateLimitHeaders(int? limit, int? remaining, DateTimeOffset? reset, TimeSpan? retryAfter)
    {
        Limit = limit;
        Remaining = remaining;
        Reset = reset;
        RetryAfter = retryAfter;
    }

    public int? Limit { get; }
    public int? Remaining { get; }
    public DateTimeOffset? Reset { get; }

    /// <summary>Retry-After as a wait from now; a date in the past reads as zero.</summary>
    public TimeSpan? RetryAfter { get; }

    public static RateLimitHeaders Read(HttpResponseMessage response, DateTimeOffset now) => new RateLimitHeaders(
        ReadInteger(response, "X-RateLimit-Limit"),
        ReadInteger(response, "X-RateLimit-Remaining"),
        ReadInteger(response, "X-RateLimit-Reset") is int unixSeconds ? DateTimeOffset.FromUnixTimeSeconds(unixSeconds) : null,
        ReadRetryAfter(response, now));

    private static TimeSpan? ReadRetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is TimeSpan delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is DateTimeOffset date) return date <= now ? TimeSpan.Zero : date - now;
        return null;
    }

    private static int? ReadInteger(HttpResponseMessage response, string name)
    {
        if (!response.Headers.TryGetValues(name, out var values)) return null;
        var text = values.FirstOrDefault();
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0 && value <= int.MaxValue
            ? (int)value
            : null;
    }
}
