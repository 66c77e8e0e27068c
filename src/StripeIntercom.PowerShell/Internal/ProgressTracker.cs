using System.Management.Automation;
using StripeIntercom.Runs;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// A progress bar for a long run, from the library's <see cref="ProgressMeter"/>; <see cref="Complete"/> always
/// closes the bar.
/// </summary>
internal sealed class ProgressTracker(StripeIntercomCmdlet cmdlet, int activityId, string activity)
{
    private readonly ProgressMeter _meter = new ProgressMeter();

    /// <summary>Reports <paramref name="done"/> items when an update is due.</summary>
    public void Report(long done, long? total, Func<string>? detail = null)
    {
        if (_meter.Read(done, total, detail) is not { } reading)
        {
            return;
        }

        var record = new ProgressRecord(activityId, activity, reading.Status)
        {
            PercentComplete = reading.PercentComplete ?? -1,
            SecondsRemaining = reading.SecondsRemaining ?? -1,
        };
        cmdlet.Bridge.Post(() => cmdlet.WriteProgress(record));
    }

    public void Complete()
    {
        var record = new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed };
        cmdlet.Bridge.Post(() => cmdlet.WriteProgress(record));
    }
}
