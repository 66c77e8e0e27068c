using System;
using System.Diagnostics;

namespace StripeIntercom.Runs;

/// <summary>
/// A long run's progress: counts, rate and, where the total is known, percent and time left. Readings are throttled
/// so a fast run does not spend its time redrawing: <see cref="Read"/> answers null until the next one is due.
/// </summary>
public sealed class ProgressMeter
{
    private static readonly TimeSpan UpdateInterval = TimeSpan.FromMilliseconds(250);

    private readonly Func<TimeSpan> _elapsed;
    private TimeSpan? _lastReading;

    public ProgressMeter()
    {
        var stopwatch = Stopwatch.StartNew();
        _elapsed = () => stopwatch.Elapsed;
    }

    internal ProgressMeter(Func<TimeSpan> elapsed) => _elapsed = elapsed;

    /// <summary>The reading for <paramref name="done"/> customers, or null when none is due; the detail is built only
    /// when one is.</summary>
    public ProgressReading? Read(long done, long? total, Func<string>? detail = null)
    {
        var now = _elapsed();
        if (_lastReading is { } last && now - last < UpdateInterval)
        {
            return null;
        }

        _lastReading = now;
        var rate = now.TotalSeconds > 0 ? done / now.TotalSeconds : 0;
        var status = total is > 0 ? $"{done} of {total} customers, {rate:0.#}/s" : $"{done} customers, {rate:0.#}/s";
        if (detail is not null)
        {
            status += "; " + detail();
        }

        if (total is not > 0)
        {
            return new ProgressReading(status, null, null);
        }

        var percent = (int)Math.Min(100, done * 100 / total.Value);
        return new ProgressReading(status, percent, rate > 0 ? (int)((total.Value - done) / rate) : null);
    }
}
