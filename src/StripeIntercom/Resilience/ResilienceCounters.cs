using System;
using System.Threading;

namespace StripeIntercom.Resilience;

/// <summary>
/// What the resilience handlers of one run had to do, for the run summary. Thread-safe: every concurrent request
/// of every service may report into the same instance.
/// </summary>
public sealed class ResilienceCounters
{
    private long _retries;
    private long _throttledResponses;
    private long _timeouts;
    private long _connectionFailures;
    private long _circuitBreaks;
    private long _pacingDelays;
    private long _pacingWaitTicks;

    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>429 responses received, whether or not they were retried.</summary>
    public long ThrottledResponses => Interlocked.Read(ref _throttledResponses);

    /// <summary>Attempts cut off by the attempt timeout plus requests cut off by the overall timeout.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>Attempts that failed below HTTP: refused, reset or truncated connections.</summary>
    public long ConnectionFailures => Interlocked.Read(ref _connectionFailures);

    public long CircuitBreaks => Interlocked.Read(ref _circuitBreaks);

    /// <summary>Requests that the rate-limit budget held back before sending.</summary>
    public long PacingDelays => Interlocked.Read(ref _pacingDelays);

    public TimeSpan PacingWaitTime => TimeSpan.FromTicks(Interlocked.Read(ref _pacingWaitTicks));

    public ResilienceCountersSnapshot Snapshot() => new ResilienceCountersSnapshot(
        Retries, ThrottledResponses, Timeouts, ConnectionFailures, CircuitBreaks, PacingDelays, PacingWaitTime);

    internal void RecordRetry() => Interlocked.Increment(ref _retries);

    internal void RecordThrottledResponse() => Interlocked.Increment(ref _throttledResponses);

    internal void RecordTimeout() => Interlocked.Increment(ref _timeouts);

    internal void RecordConnectionFailure() => Interlocked.Increment(ref _connectionFailures);

    internal void RecordCircuitBreak() => Interlocked.Increment(ref _circuitBreaks);

    internal void RecordPacingDelay(TimeSpan waited)
    {
        Interlocked.Increment(ref _pacingDelays);
        Interlocked.Add(ref _pacingWaitTicks, waited.Ticks);
    }
}
