using StripeIntercom.Runs;
using StripeIntercom.Sync;
using Xunit;

namespace StripeIntercom.Tests.Runs;

/// <summary>
/// <see cref="ProgressMeter"/> and <see cref="SyncResultTally"/>: what a progress bar shows, and how often.
/// </summary>
public class ProgressMeterTests
{
    [Fact]
    public void Reads_percent_and_time_left_when_the_total_is_known_and_throttles_updates()
    {
        var now = TimeSpan.FromSeconds(10);
        var meter = new ProgressMeter(() => now);

        var first = meter.Read(50, 100, () => "7 Intercom calls");
        Assert.NotNull(first);
        Assert.Equal("50 of 100 customers, 5/s; 7 Intercom calls", first!.Status);
        Assert.Equal(50, first.PercentComplete);
        Assert.Equal(10, first.SecondsRemaining);

        now += TimeSpan.FromMilliseconds(100);
        Assert.Null(meter.Read(51, 100, () => throw new InvalidOperationException("not due: never built")));

        now += TimeSpan.FromSeconds(1);
        var unknownTotal = meter.Read(60, null);
        Assert.NotNull(unknownTotal);
        Assert.StartsWith("60 customers, ", unknownTotal!.Status);
        Assert.Null(unknownTotal.PercentComplete);
        Assert.Null(unknownTotal.SecondsRemaining);
    }

    [Fact]
    public void The_tally_counts_each_result_by_its_action()
    {
        var tally = new SyncResultTally();
        foreach (var action in new[] { SyncAction.Created, SyncAction.Updated, SyncAction.Updated, SyncAction.Failed,
                     SyncAction.Unchanged })
        {
            tally.Add(new SyncResult { Action = action });
        }

        Assert.Equal(5, tally.Reported);
        Assert.Equal("1 created, 2 updated, 1 failed", tally.ToString());
    }
}
