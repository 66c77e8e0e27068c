using System;
using System.Diagnostics;

namespace StripeIntercom.Resilience;

/// <summary>A monotonic clock shared by a request's attempts and its service's <see cref="OutageDetector"/>.</summary>
internal static class MonotonicClock
{
    private static readonly double TicksPerStopwatchTick = TimeSpan.TicksPerSecond / (double)Stopwatch.Frequency;

    public static TimeSpan Now => TimeSpan.FromTicks((long)(Stopwatch.GetTimestamp() * TicksPerStopwatchTick));
}
