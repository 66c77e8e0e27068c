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
    // Date has one-second resolution, so only a larger difference says more about the clocks than about rounding.
    private static readonly TimeSpan NoticeableClockSkew = TimeSpan.FromSeconds(2);

    private RateLimitHeaders(int? limit, int? remaining, long? resetUnixSeconds, TimeSpan? untilReset,
        TimeSpan? retryAfter)
    {
        Limit = limit;
        Remaining = remaining;
        ResetUnixSeconds = resetUnixSeconds;
        UntilReset = untilReset;
        RetryAfter = retryAfter;
    }

    public int? Limit { get; }
    public int? Remaining { get; }

    /// <summary>X-RateLimit-Reset as sent: identifies the server's window.</summary>
    public long? ResetUnixSeconds { get; }

    /// <summary>
    /// Time left until the reset, measured on the server's clock (from the Date header) when ours is noticeably off,
    /// so a skewed local clock neither sends too early nor waits for minutes. Zero when the reset has passed.
    /// </summary>
    public TimeSpan? UntilReset { get; }

    /// <summary>Retry-After as a wait from now; a date in the past reads as zero.</summary>
    public TimeSpan? RetryAfter { get; }

    public static RateLimitHeaders Read(HttpResponseMessage response, DateTimeOffset now)
    {
        var resetUnixSeconds = ReadInteger(response, "X-RateLimit-Reset");
        TimeSpan? untilReset = null;
        if (resetUnixSeconds is int seconds)
        {
            var serverNow = response.Headers.Date is DateTimeOffset date
                && (date - now).Duration() > NoticeableClockSkew ? date : now;
            var reset = DateTimeOffset.FromUnixTimeSeconds(seconds);
            untilReset = reset > serverNow ? reset - serverNow : TimeSpan.Zero;
        }
        // A limit of zero or less describes no budget anyone could use (a proxy or a test server with limits off):
        // read it as no rate-limit information rather than as "nothing left", which would stall every request.
        var limit = ReadInteger(response, "X-RateLimit-Limit");
        var known = limit is null || limit > 0;
        return new RateLimitHeaders(
            known ? limit : null,
            known ? ReadInteger(response, "X-RateLimit-Remaining") : null,
            known ? resetUnixSeconds : null,
            known ? untilReset : null,
            ReadRetryAfter(response, now));
    }

    private static TimeSpan? ReadRetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is TimeSpan delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is DateTimeOffset date)
        {
            return date <= now ? TimeSpan.Zero : date - now;
        }

        return null;
    }

    private static int? ReadInteger(HttpResponseMessage response, string name)
    {
        if (!response.Headers.TryGetValues(name, out var values))
        {
            return null;
        }

        var text = values.FirstOrDefault();
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            && value <= int.MaxValue
            ? (int)value
            : null;
    }
}
