using StripeIntercom.Resilience;
using Xunit;

namespace StripeIntercom.Tests.Resilience;

/// <summary>
/// The time judgement on simulated clocks: requests retrying as the production options make them (exponential backoff
/// with jitter, capped at MaxDelay), a few or many at a time, against a service that fails some or all attempts.
/// </summary>
public sealed class OutageDetectorTests
{
    private static readonly ResilienceOptions Production = ResilienceOptions.ForIntercom();

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(32)]
    public void Scattered_failures_of_5_percent_never_judge_the_service_down(int concurrent)
    {
        var outcome = Simulate(concurrent, failureRate: 0.05, duration: TimeSpan.FromHours(2), seed: concurrent);

        Assert.Null(outcome.JudgedDownAt);
        Assert.Equal(0, outcome.RequestsOutOfRetries);
        Assert.True(outcome.Failures > 100, $"only {outcome.Failures} failures were simulated");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void A_service_failing_every_attempt_is_judged_down_by_time_alone(int concurrent)
    {
        var outcome = Simulate(concurrent, failureRate: 1, duration: TimeSpan.FromMinutes(5), seed: 3);

        Assert.NotNull(outcome.JudgedDownAt);
        Assert.InRange(outcome.JudgedDownAt!.Value, Production.OutageAfter,
            Production.OutageAfter + Production.MaxDelay + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Failures_further_apart_than_a_retry_can_leave_are_not_one_streak()
    {
        var detector = new OutageDetector(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
        var t = TimeSpan.FromHours(1);

        Assert.False(detector.RecordFailure(t, t));
        Assert.False(detector.RecordFailure(t + TimeSpan.FromMinutes(50), t + TimeSpan.FromMinutes(50)));
        Assert.False(detector.RecordFailure(t + TimeSpan.FromMinutes(100), t + TimeSpan.FromMinutes(100)));
        // Within reach of each other they are: 31 s of failing with no success.
        Assert.True(
            detector.RecordFailure(t + TimeSpan.FromMinutes(100) + TimeSpan.FromSeconds(31),
            t + TimeSpan.FromMinutes(100) + TimeSpan.FromSeconds(31)));
    }

    [Fact]
    public void One_slow_attempt_alone_is_not_an_outage_and_a_success_ends_a_streak()
    {
        var detector = new OutageDetector(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
        var t = TimeSpan.FromHours(1);

        Assert.False(detector.RecordFailure(sentAt: t, now: t + TimeSpan.FromSeconds(31)));
        detector.RecordSuccess(t + TimeSpan.FromSeconds(32));
        Assert.False(detector.FailingWithoutSuccessSince(t));
        Assert.False(detector.RecordFailure(t + TimeSpan.FromSeconds(40), t + TimeSpan.FromSeconds(40)));
        Assert.False(detector.RecordFailure(t + TimeSpan.FromSeconds(60), t + TimeSpan.FromSeconds(60)));
        Assert.True(detector.FailingWithoutSuccessSince(t + TimeSpan.FromSeconds(40)));
        Assert.True(detector.RecordFailure(t + TimeSpan.FromSeconds(71), t + TimeSpan.FromSeconds(71)));
    }

    private sealed record Outcome(TimeSpan? JudgedDownAt, int RequestsOutOfRetries, int Failures);

    /// <summary>
    /// <paramref name="concurrent"/> writers, each sending one request after another (100-300 ms an attempt, 100 ms
    /// between requests); a failed attempt is retried after Polly's exponential backoff with jitter, as the options
    /// configure it.
    /// </summary>
    private static Outcome Simulate(int concurrent, double failureRate, TimeSpan duration, int seed)
    {
        var random = new Random(seed);
        var detector = new OutageDetector(Production.OutageAfter, Production.MaxDelay + Production.AttemptTimeout);
        var start = TimeSpan.FromHours(1);
        var queue = new PriorityQueue<(int Writer, int Retry, TimeSpan? FirstFailure), TimeSpan>();
        for (var w = 0; w < concurrent; w++)
        {
            queue.Enqueue((w, 0, null), start + TimeSpan.FromMilliseconds(random.Next(100)));
        }

        var outOfRetries = 0;
        var failures = 0;
        while (queue.TryDequeue(out var attempt, out var sentAt) && sentAt - start < duration)
        {
            var now = sentAt + TimeSpan.FromMilliseconds(100 + random.Next(200));
            if (random.NextDouble() >= failureRate)
            {
                detector.RecordSuccess(now);
                queue.Enqueue((attempt.Writer, 0, null), now + TimeSpan.FromMilliseconds(100));
                continue;
            }

            failures++;
            var firstFailure = attempt.FirstFailure ?? now;
            if (detector.RecordFailure(sentAt, now))
            {
                return new Outcome(now - start, outOfRetries, failures);
            }

            if (attempt.Retry == Production.MaxRetries)
            {
                if (detector.FailingWithoutSuccessSince(firstFailure))
                {
                    return new Outcome(now - start, outOfRetries + 1, failures);
                }

                outOfRetries++;
                queue.Enqueue((attempt.Writer, 0, null), now + TimeSpan.FromMilliseconds(100));
                continue;
            }

            queue.Enqueue((attempt.Writer, attempt.Retry + 1, firstFailure), now + Backoff(attempt.Retry, random));
        }

        return new Outcome(null, outOfRetries, failures);
    }

    /// <summary>Exponential with jitter around BaseDelay * 2^retry (Polly's jitter spreads it), capped at
    /// MaxDelay.</summary>
    private static TimeSpan Backoff(int retry, Random random)
    {
        var median = Production.BaseDelay.TotalMilliseconds * Math.Pow(2, retry);
        var jittered = median * (0.5 + random.NextDouble());
        return TimeSpan.FromMilliseconds(Math.Min(jittered, Production.MaxDelay.TotalMilliseconds));
    }
}
