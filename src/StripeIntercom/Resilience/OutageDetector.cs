using System;

namespace StripeIntercom.Resilience;

/// <summary>
/// Judges a service down by time: a streak of failed attempts with no success between them (across every request of
/// the service, since one chain serves a whole run) that has lasted <see cref="ResilienceOptions.OutageAfter"/>. A run
/// that makes a few requests a second never gives a ratio-based circuit enough attempts to judge; a streak of time
/// without a single success needs no volume at all. Throttling (429) and attempts held back by the rate-limit budget
/// are neither failures nor successes. Thread-safe; times are monotonic (<see cref="MonotonicClock"/>).
/// </summary>
internal sealed class OutageDetector
{
    /// <summary>One failed attempt is not an outage however long it took (a single slow answer): at least two
    /// are.</summary>
    public const int MinimumFailures = 2;

    private readonly object _gate = new object();
    private readonly TimeSpan _outageAfter;
    private readonly TimeSpan _maxGap;
    private TimeSpan? _lastSuccess;
    private TimeSpan? _streakStart;
    private TimeSpan _lastFailure;
    private int _failures;

    /// <param name="outageAfter">How long a streak of failures must last.</param>
    /// <param name="maxGap">
    /// The longest a retrying request leaves between two failures (the longest backoff plus an attempt that times out).
    /// Failures further apart than that are not one streak: a service that is idle for an hour between two scattered
    /// failures has not been failing for an hour.
    /// </param>
    public OutageDetector(TimeSpan outageAfter, TimeSpan maxGap)
    {
        _outageAfter = outageAfter;
        _maxGap = maxGap;
    }

    public void RecordSuccess(TimeSpan now)
    {
        lock (_gate)
        {
            _lastSuccess = now;
            _streakStart = null;
            _failures = 0;
        }
    }

    /// <param name="sentAt">When the failed attempt reached the service: a timed-out attempt failed from then
    /// on.</param>
    /// <returns>True when this failure completes an outage: the streak it belongs to has lasted long enough.</returns>
    public bool RecordFailure(TimeSpan sentAt, TimeSpan now)
    {
        lock (_gate)
        {
            if (_streakStart == null || now - _lastFailure > _maxGap)
            {
                // A success seen while this attempt was in flight shows the service answering until then.
                var start = sentAt;
                if (_lastSuccess is TimeSpan success && success > start)
                {
                    start = success;
                }

                _streakStart = start;
                _failures = 0;
            }

            _failures++;
            _lastFailure = now;
            return _failures >= MinimumFailures && now - _streakStart.Value >= _outageAfter;
        }
    }

    /// <summary>True when nothing of the service succeeded since <paramref name="since"/> and it is failing
    /// now.</summary>
    public bool FailingWithoutSuccessSince(TimeSpan since)
    {
        lock (_gate)
        {
            return _streakStart != null && !(_lastSuccess is TimeSpan success && success >= since);
        }
    }
}
