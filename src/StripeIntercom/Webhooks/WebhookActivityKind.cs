namespace StripeIntercom.Webhooks;

public enum WebhookActivityKind
{
    /// <summary>A relevant delivery scheduled a new processing of its customer.</summary>
    Received,
    /// <summary>The event id was seen before (Stripe delivers at least once): nothing to do.</summary>
    Duplicate,
    /// <summary>Not an event the sync follows, or it names no customer.</summary>
    Ignored,
    /// <summary>Its customer was already pending, or is being processed and will be processed once more.</summary>
    Coalesced,
    /// <summary>The customer was re-read and synced; see the result.</summary>
    Synced,
    /// <summary>The customer could not be synced; see the error (or the result, when the sync reported
    /// Failed).</summary>
    Failed,
    /// <summary>Not scheduled (pending set full, or stopping); the next scheduled incremental run covers it.</summary>
    Dropped,
    /// <summary>
    /// A summary of the requests the listener refused (failed verification, wrong path, too large, too slow,
    /// busy) since the last one: <see cref="WebhookActivity.Detail"/> gives counts per reason and remote address.
    /// </summary>
    Rejected,
}
