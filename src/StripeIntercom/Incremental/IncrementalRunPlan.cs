namespace StripeIntercom.Incremental;

/// <summary>What an <c>-Incremental</c> run should do, and why, in words fit for a verbose/warning line.</summary>
public sealed class IncrementalRunPlan
{
    public IncrementalRunPlan(IncrementalRunMode mode, string reason, EventCursor? cursor = null,
        string? resumeAfterCustomerId = null)
    {
        Mode = mode;
        Reason = reason;
        Cursor = cursor;
        ResumeAfterCustomerId = resumeAfterCustomerId;
    }

    public IncrementalRunMode Mode { get; }
    public string Reason { get; }

    /// <summary>Incremental: read events since this. ResumeFullSync: the cursor captured when the full sync
    /// began.</summary>
    public EventCursor? Cursor { get; }

    /// <summary>ResumeFullSync: pass as <c>starting_after</c> to the customers list.</summary>
    public string? ResumeAfterCustomerId { get; }

    public override string ToString() => $"{Mode}: {Reason}";
}
