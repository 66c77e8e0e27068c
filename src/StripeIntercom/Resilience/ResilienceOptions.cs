using System;

namespace StripeIntercom.Resilience;

/// <summary>
/// How hard one service's requests are retried, timed out and cut off. Every duration is settable so tests can
/// run in milliseconds; the presets carry the production values.
/// </summary>
public sealed class ResilienceOptions
{
    /// <summary>Name used in log lines and exception messages ("Stripe", "Intercom").</summary>
    public string ServiceName { get; set; } = "Service";

    /// <summary>Retries after the first attempt; 0 turns retrying off.</summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>
    /// Median of the first backoff delay; later delays grow exponentially with jitter. With the defaults a failing
    /// request keeps retrying for about a minute, past <see cref="OutageAfter"/> and the circuit's
    /// <see cref="SamplingDuration"/>, so a service that is down is judged down (and stops the run once) before any one
    /// customer runs out of retries.
    /// </summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap on computed backoff delays and on waits derived from X-RateLimit-Reset.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Upper bound of the random extra wait added after an X-RateLimit-Reset, so that callers released by the same
    /// reset do not all arrive in the first millisecond of the new window.
    /// </summary>
    public TimeSpan RateLimitResetJitter { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Limit for one attempt (one HTTP exchange, response body included). Polly requires more than 10
    /// ms.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Limit for one request including all its retries and waits.</summary>
    public TimeSpan OverallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Judge the service's health: by ratio (<see cref="FailureRatio"/> of the attempts in
    /// <see cref="SamplingDuration"/>) and by time (<see cref="OutageAfter"/>, or a request that used up its retries
    /// with nothing of the service succeeding meanwhile). Once judged down, every request of the service, in flight or
    /// new, fails at once with
    /// <see cref="ServiceUnavailableException"/> for <see cref="BreakDuration"/>. Off, a failing request only ever
    /// returns its last response or throws its last error.
    /// </summary>
    public bool UseCircuitBreaker { get; set; } = true;

    /// <summary>
    /// How long the service may fail every attempt (5xx, timeouts, resets; at least two attempts, no success between
    /// them, across all its requests) before it is judged down, however few requests the run makes. 30 s, because:
    /// scattered failures end a streak at the next success, which a retry brings within a second or two (at a 5 %
    /// failure rate, 30 s without a success takes about six failed attempts of one request in a row, one chance in tens
    /// of millions); a blip or a deploy that lasts seconds is ridden out by the retries; and 30 s plus the longest wait
    /// for the failure that proves it (<see cref="MaxDelay"/> plus <see cref="AttemptTimeout"/>) stays within two
    /// minutes of the outage's start, the time a stopped run promises.
    /// </summary>
    public TimeSpan OutageAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Share of failed attempts within <see cref="SamplingDuration"/> that opens the circuit.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Polly requires at least 0.5 s.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts needed within the sampling duration before the ratio counts; at least 2.</summary>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>How long an open circuit fails requests without sending them; Polly requires at least 0.5 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Stripe is read a few requests a second, so a burst of failures weighs more in its window than in Intercom's: its
    /// circuit opens at 80 % failures, which an outage reaches and a run of scattered 503s does not.
    /// </summary>
    public static ResilienceOptions ForStripe() => new ResilienceOptions { ServiceName = "Stripe", FailureRatio = 0.8 };

    public static ResilienceOptions ForIntercom() => new ResilienceOptions { ServiceName = "Intercom" };

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that Polly or this code would
    /// reject.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ServiceName))
        {
            throw Invalid(nameof(ServiceName), "must not be empty");
        }

        if (MaxRetries < 0)
        {
            throw Invalid(nameof(MaxRetries), "must be 0 or more");
        }

        if (BaseDelay < TimeSpan.Zero || BaseDelay > TimeSpan.FromDays(1))
        {
            throw Invalid(nameof(BaseDelay), "must be between 0 and 1 day");
        }

        if (MaxDelay < BaseDelay)
        {
            throw Invalid(nameof(MaxDelay), "must not be less than BaseDelay");
        }

        if (RateLimitResetJitter < TimeSpan.Zero)
        {
            throw Invalid(nameof(RateLimitResetJitter), "must not be negative");
        }

        if (AttemptTimeout <= TimeSpan.FromMilliseconds(10))
        {
            throw Invalid(nameof(AttemptTimeout), "must be more than 10 ms");
        }

        if (OverallTimeout <= TimeSpan.FromMilliseconds(10))
        {
            throw Invalid(nameof(OverallTimeout), "must be more than 10 ms");
        }

        if (!UseCircuitBreaker)
        {
            return;
        }

        if (FailureRatio <= 0 || FailureRatio > 1)
        {
            throw Invalid(nameof(FailureRatio), "must be more than 0 and at most 1");
        }

        if (SamplingDuration <= TimeSpan.FromMilliseconds(500))
        {
            throw Invalid(nameof(SamplingDuration), "must be more than 0.5 s");
        }

        if (MinimumThroughput < 2)
        {
            throw Invalid(nameof(MinimumThroughput), "must be 2 or more");
        }

        if (BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            throw Invalid(nameof(BreakDuration), "must be at least 0.5 s");
        }

        if (OutageAfter <= TimeSpan.Zero || OutageAfter > TimeSpan.FromHours(1))
        {
            throw Invalid(nameof(OutageAfter), "must be more than 0 and at most 1 hour");
        }
    }

    private ArgumentException Invalid(string setting, string rule) =>
        new ArgumentException($"{ServiceName} resilience option {setting} {rule}.", setting);
}
