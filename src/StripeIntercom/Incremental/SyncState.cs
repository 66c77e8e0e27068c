using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace StripeIntercom.Incremental;

/// <summary>
/// What an incremental run needs to remember between runs. Holds ids and times only: never keys,
/// tokens or customer data, because the file sits on disk next to runbooks.
/// </summary>
public sealed class SyncState
{
    public const int CurrentFormatVersion = 1;

    [JsonPropertyName("formatVersion")]
    public int FormatVersion { get; set; } = CurrentFormatVersion;

    /// <summary>Null until a full sync has completed once.</summary>
    [JsonPropertyName("cursor")]
    public EventCursor? Cursor { get; set; }

    [JsonPropertyName("lastCompletedRunAt")]
    public DateTimeOffset? LastCompletedRunAt { get; set; }

    /// <summary>Customers whose last sync failed: the next run syncs them again whatever the events say.</summary>
    [JsonPropertyName("retryCustomerIds")]
    public List<string> RetryCustomerIds { get; set; } = new List<string>();

    /// <summary>
    /// Billing events (-SyncEvents) not yet sent, by Stripe event id: the next run reads them again and sends them,
    /// in Stripe's order, before they pass Stripe's 30-day window.
    /// </summary>
    [JsonPropertyName("retryEventIds")]
    public List<string> RetryEventIds { get; set; } = new List<string>();

    /// <summary>
    /// Unix seconds from which billing events are sent: set by the first run with -SyncEvents to its cursor, so
    /// turning the switch on sends no history.
    /// </summary>
    [JsonPropertyName("eventsSince")]
    public long? EventsSince { get; set; }

    /// <summary>Null when no full sync is in progress or was ever interrupted.</summary>
    [JsonPropertyName("fullSync")]
    public FullSyncCheckpoint? FullSync { get; set; }

    /// <summary>
    /// Marks a full sync as started. <paramref name="cursorAtStart"/> comes from
    /// <see cref="ChangedCustomerFeed.CaptureCursorAsync"/>, taken before the first customer is read.
    /// </summary>
    public void BeginFullSync(EventCursor cursorAtStart, DateTimeOffset now)
    {
        FullSync = new FullSyncCheckpoint { InProgress = true, StartedAt = now, CursorAtStart = cursorAtStart };
    }

    /// <summary>
    /// Records that every customer up to and including <paramref name="lastCustomerId"/> (in Stripe's
    /// newest-first order) is done. With parallel syncs, call it once per completed page, never for a
    /// customer while an earlier one is still running: resuming skips everything up to this id.
    /// </summary>
    public void RecordFullSyncProgress(string lastCustomerId, long customersDone,
        DateTimeOffset? lastCustomerCreated = null)
    {
        if (FullSync == null || !FullSync.InProgress)
        {
            throw new InvalidOperationException("No full sync is in progress.");
        }

        FullSync.LastCustomerId = lastCustomerId;
        FullSync.LastCustomerCreated = lastCustomerCreated?.ToUnixTimeSeconds();
        FullSync.CustomersDone = customersDone;
    }

    /// <summary>The full sync finished: its start cursor becomes the cursor, so the next incremental run replays
    /// changes made during it.</summary>
    public void CompleteFullSync(DateTimeOffset now)
    {
        if (FullSync == null || !FullSync.InProgress)
        {
            throw new InvalidOperationException("No full sync is in progress.");
        }

        Cursor = FullSync.CursorAtStart;
        FullSync = null;
        LastCompletedRunAt = now;
    }

    /// <summary>
    /// An incremental run finished. The customers that failed go in <see cref="RetryCustomerIds"/>, so the
    /// cursor can move on without losing them and one customer with bad data cannot hold every run back.
    /// </summary>
    public void CompleteIncremental(EventCursor newCursor, DateTimeOffset now)
    {
        Cursor = newCursor ?? throw new ArgumentNullException(nameof(newCursor));
        LastCompletedRunAt = now;
    }
}
