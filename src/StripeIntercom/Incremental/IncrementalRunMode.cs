namespace StripeIntercom.Incremental;

public enum IncrementalRunMode
{
    /// <summary>Read the events since the cursor and sync only the customers they name.</summary>
    Incremental,
    /// <summary>Sync every customer from the newest, then save the cursor captured at the start.</summary>
    FullSync,
    /// <summary>Continue an interrupted full sync after its last completed customer.</summary>
    ResumeFullSync,
}
