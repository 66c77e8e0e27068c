using System;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>How a run ended: its summary, and the error that stopped it, if one did.</summary>
public sealed class SyncRunOutcome
{
    public SyncRunOutcome(SyncSummary summary, Exception? stopError, bool cancelled)
    {
        Summary = summary;
        StopError = stopError;
        Cancelled = cancelled;
    }

    public SyncSummary Summary { get; }

    /// <summary>A run-stopping error (<see cref="RunStoppingError"/>) or the error that ended the reading; null
    /// otherwise.</summary>
    public Exception? StopError { get; }

    /// <summary>The caller cancelled the run (Ctrl+C).</summary>
    public bool Cancelled { get; }

    /// <summary>The run was declined before it wrote anything (<see cref="StateFileSync.BeforeSync"/> said
    /// no).</summary>
    public bool Declined { get; private set; }

    /// <summary>For a stopped run against a state file: what the next run will do, in words; null otherwise.</summary>
    public string? NextRun { get; set; }

    /// <summary>A run that did nothing because it was declined; the state file is as it was.</summary>
    public static SyncRunOutcome DeclinedRun(SyncSummary summary) => new SyncRunOutcome(
        summary, null, cancelled: false)
    { Declined = true };
}
