using System;

namespace StripeIntercom.Resilience;

/// <summary>The values of <see cref="ResilienceCounters"/> at one moment.</summary>
public sealed class ResilienceCountersSnapshot
{
    public ResilienceCountersSnapshot(
        long retries, long throttledResponses, long timeouts, long connectionFailures, long circuitBreaks,
        long pacingDelays, TimeSpan pacingWaitTime)
    {
        Retries = retries;
        ThrottledResponses = throttledResponses;
        Timeouts = timeouts;
        ConnectionFailures = connectionFailures;
        CircuitBreaks = circuitBreaks;
        PacingDelays = pacingDelays;
        PacingWaitTime = pacingWaitTime;
    }

    public long Retries { get; }
    public long ThrottledResponses { get; }
    public long Timeouts { get; }
    public long ConnectionFailures { get; }
    public long CircuitBreaks { get; }
    public long PacingDelays { get; }
    public TimeSpan PacingWaitTime { get; }

    public override string ToString() =>
        $"retries {Retries}, throttled {ThrottledResponses}, timeouts {Timeouts}, connection failures " +
        $"{ConnectionFailures}, " +
        $"circuit breaks {CircuitBreaks}, paced {PacingDelays} ({PacingWaitTime.TotalSeconds:0.0} s)";
}
