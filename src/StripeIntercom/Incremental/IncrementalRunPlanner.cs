using System;

namespace StripeIntercom.Incremental;

/// <summary>Decides between an incremental run, a fresh full sync and resuming one, from the state file.</summary>
public static class IncrementalRunPlanner
{
    /// <param name="loaded">The result of <see cref="SyncStateStore.Load"/>.</param>
    /// <param name="isTooOld">Usually <see cref="ChangedCustomerFeed.IsTooOld"/>.</param>
    public static IncrementalRunPlan Decide(SyncStateLoadResult loaded, Func<EventCursor, bool> isTooOld)
    {
        if (loaded == null)
        {
            throw new ArgumentNullException(nameof(loaded));
        }

        if (isTooOld == null)
        {
            throw new ArgumentNullException(nameof(isTooOld));
        }

        switch (loaded.Status)
        {
            case SyncStateLoadStatus.Missing:
                return Full("There is no state file yet, so this first run is a full sync.");
            case SyncStateLoadStatus.Unreadable:
            case SyncStateLoadStatus.UnsupportedVersion:
                return Full($"{loaded.Reason} Running a full sync, which rewrites the state file.");
        }

        var state = loaded.State!;
        var checkpoint = state.FullSync;
        if (checkpoint != null && checkpoint.InProgress)
        {
            // Resuming is only safe while the events since the full sync began still exist: they carry
            // the changes to customers the interrupted run had already passed.
            if (checkpoint.CursorAtStart != null && !isTooOld(checkpoint.CursorAtStart))
            {
                return new IncrementalRunPlan(
                    IncrementalRunMode.ResumeFullSync,
                    $"A full sync started {checkpoint.StartedAt:u} was interrupted after {checkpoint.CustomersDone} " +
                    $"customers; resuming after {checkpoint.LastCustomerId ?? "the start"}.",
                    checkpoint.CursorAtStart,
                    checkpoint.LastCustomerId);
            }

            return Full(
                $"A full sync started {checkpoint.StartedAt:u} was interrupted too long ago to resume (Stripe keeps " +
                "events for 30 days); starting it again.");
        }

        if (state.Cursor == null)
        {
            return Full("The state file has no event cursor yet, so this run is a full sync.");
        }

        if (isTooOld(state.Cursor))
        {
            return Full(
                $"The last processed event is from {state.Cursor.CreatedAt:u}, too close to Stripe's 30-day event " +
                "retention to trust; running a full sync instead.");
        }

        return new IncrementalRunPlan(IncrementalRunMode.Incremental,
            $"Reading Stripe events since {state.Cursor.CreatedAt:u}.", state.Cursor);
    }

    private static IncrementalRunPlan Full(string reason) =>
        new IncrementalRunPlan(IncrementalRunMode.FullSync, reason);
}
