namespace StripeIntercom.Runs;

/// <summary>
/// What a run is about to do, told to <see cref="StateFileSync.BeforeSync"/> once it knows and before it writes
/// anything (the state file included), so a caller can ask for confirmation.
/// </summary>
public sealed class RunStart
{
    public RunStart(string mode, string reason, int? customers)
    {
        Mode = mode;
        Reason = reason;
        Customers = customers;
    }

    /// <summary>Incremental, Full or Resumed.</summary>
    public string Mode { get; }

    /// <summary>The planner's reason for the mode, in words.</summary>
    public string Reason { get; }

    /// <summary>How many customers the run will sync, when known up front (incremental runs); null for a full
    /// sync.</summary>
    public int? Customers { get; }
}
