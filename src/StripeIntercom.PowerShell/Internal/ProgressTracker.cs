using System;
using System.Diagnostics;
using System.Management.Automation;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// A progress bar for a long run: counts, rate and, where the total is known, percent and time left.
/// Updates are throttled so a fast run does not spend its time redrawing, and <see cref="Complete"/>
/// always closes the bar.
/// </summary>
internal sealed class ProgressTracker
{
    private static readonly TimeSpan UpdateInterval = TimeSpan.FromMilliseconds(250);

    private readonly StripeIntercomCmdlet _cmdlet;
    private readonly int _activityId;
    private readonly string _activity;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private TimeSpan? _lastUpdate;

    public ProgressTracker(StripeIntercomCmdlet cmdlet, int activityId, string activity)
    {
        _cmdlet = cmdlet;
        _activityId = activityId;
        _activity = activity;
    }

    /// <summary>Reports <paramref name="done"/> items; the status line is built only when an update is due.</summary>
    public void Report(long done, long? total, Func<string>? detail = null)
    {
        var now = _elapsed.Elapsed;
        if (_lastUpdate is { } last && now - last < UpdateInterval)
        {
            return;
        }

        _lastUpdate = now;
        var rate = now.TotalSeconds > 0 ? done / now.TotalSeconds : 0;
        var status = total is > 0 ? $"{done} of {total} customers, {rate:0.#}/s" : $"{done} customers, {rate:0.#}/s";
        if (detail is not null)
        {
            status += "; " + detail();
        }

        var record = new ProgressRecord(_activityId, _activity, status);
        if (total is > 0)
        {
            record.PercentComplete = (int)Math.Min(100, done * 100 / total.Value);
            if (rate > 0)
            {
                record.SecondsRemaining = (int)((total.Value - done) / rate);
            }
        }

        _cmdlet.Bridge.Post(() => _cmdlet.WriteProgress(record));
    }

    public void Complete() => _cmdlet.Bridge.Post(() => _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity,
                                                      "Done")
    { RecordType = ProgressRecordType.Completed }));
}
