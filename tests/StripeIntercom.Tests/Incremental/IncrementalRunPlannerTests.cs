using StripeIntercom.Incremental;
using Xunit;

namespace StripeIntercom.Tests.Incremental;

public class IncrementalRunPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly EventCursor Recent = new(Now.AddDays(-2).ToUnixTimeSeconds(), "evt_recent");
    private static readonly EventCursor Ancient = new(Now.AddDays(-40).ToUnixTimeSeconds(), "evt_ancient");

    private static bool IsTooOld(EventCursor cursor) => cursor.CreatedAt < Now.AddDays(-29);

    private static IncrementalRunPlan Decide(SyncState state) =>
        IncrementalRunPlanner.Decide(SyncStateLoadResult.Loaded(state), IsTooOld);

    [Fact]
    public void Missing_unreadable_and_foreign_state_mean_a_full_sync_with_the_reason()
    {
        Assert.Equal(IncrementalRunMode.FullSync,
            IncrementalRunPlanner.Decide(SyncStateLoadResult.Missing(), IsTooOld).Mode);
        var unreadable = IncrementalRunPlanner.Decide(
            SyncStateLoadResult.Unreadable("The state file 'x' is not valid JSON."), IsTooOld);
        Assert.Equal(IncrementalRunMode.FullSync, unreadable.Mode);
        Assert.Contains("not valid JSON", unreadable.Reason);
        Assert.Contains("version 7",
            IncrementalRunPlanner.Decide(SyncStateLoadResult.UnsupportedVersion(7), IsTooOld).Reason);
    }

    [Fact]
    public void Recent_cursor_means_incremental()
    {
        var plan = Decide(new SyncState { Cursor = Recent });

        Assert.Equal(IncrementalRunMode.Incremental, plan.Mode);
        Assert.Same(Recent, plan.Cursor);
    }

    [Fact]
    public void Old_or_absent_cursor_means_a_full_sync()
    {
        Assert.Equal(IncrementalRunMode.FullSync, Decide(new SyncState { Cursor = Ancient }).Mode);
        Assert.Contains("30-day", Decide(new SyncState { Cursor = Ancient }).Reason);
        Assert.Equal(IncrementalRunMode.FullSync, Decide(new SyncState()).Mode);
    }

    [Fact]
    public void Interrupted_full_sync_resumes_after_its_last_customer_while_its_events_still_exist()
    {
        var state = new SyncState { Cursor = Ancient };
        state.BeginFullSync(Recent, Now.AddHours(-1));
        state.RecordFullSyncProgress("cus_500", 500);

        var plan = Decide(state);

        Assert.Equal(IncrementalRunMode.ResumeFullSync, plan.Mode);
        Assert.Equal("cus_500", plan.ResumeAfterCustomerId);
        Assert.Same(Recent, plan.Cursor);

        state.BeginFullSync(Ancient, Now.AddDays(-40));
        state.RecordFullSyncProgress("cus_9", 9);
        Assert.Equal(IncrementalRunMode.FullSync, Decide(state).Mode);
    }

    [Fact]
    public void Completing_a_full_sync_adopts_the_cursor_captured_at_its_start()
    {
        var state = new SyncState();
        state.BeginFullSync(Recent, Now.AddHours(-1));
        state.RecordFullSyncProgress("cus_1", 1);

        state.CompleteFullSync(Now);

        Assert.Same(Recent, state.Cursor);
        Assert.Null(state.FullSync);
        Assert.Equal(Now, state.LastCompletedRunAt);
        Assert.Equal(IncrementalRunMode.Incremental, Decide(state).Mode);
    }
}
