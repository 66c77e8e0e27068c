namespace StripeIntercom.Sync;

/// <summary>How a run writes contacts: one request each, or a hundred a request through Intercom's bulk jobs.</summary>
public enum ContactWriteMode
{
    /// <summary>
    /// Bulk once a run that reads every contact (a full sync) has made a few hundred writes
    /// (<see cref="Bulk.BulkWriteOptions.AutoThreshold"/>); one by one below that, and in runs that look customers up
    /// one at a time (incremental runs, webhooks, piped input).
    /// </summary>
    Auto,
    /// <summary>Always through the Preview bulk endpoints (100 contacts a request, an asynchronous job).</summary>
    Bulk,
    /// <summary>One request per contact (the 2.14 endpoints only).</summary>
    PerContact,
}
