using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace StripeIntercom.Incremental;

/// <summary>
/// How far the Stripe event stream has been processed: the creation time (Unix seconds) and id
/// of the newest event already handled.
/// </summary>
public sealed class EventCursor
{
    public EventCursor()
    {
    }

    public EventCursor(long created, string? eventId)
    {
        Created = created;
        EventId = eventId;
    }

    /// <summary>Unix seconds of the newest processed event.</summary>
    [JsonPropertyName("created")]
    public long Created { get; set; }

    [JsonPropertyName("eventId")]
    public string? EventId { get; set; }

    /// <summary>
    /// Every processed event of the cursor's own second, as written by earlier versions; still honoured when read.
    /// </summary>
    [JsonPropertyName("eventIdsAtCreated")]
    public List<string> EventIdsAtCreated { get; set; } = new List<string>();

    /// <summary>
    /// Every processed event (id and Unix seconds) from a look-back window before <see cref="Created"/>. Stripe's event
    /// list is eventually consistent: an event can become visible after newer ones, with its older timestamp. So the
    /// next run lists from a few minutes before the cursor and skips exactly these, which finds late events without
    /// reading any event twice.
    /// </summary>
    [JsonPropertyName("recentEvents")]
    public Dictionary<string, long> RecentEvents { get; set; } = new Dictionary<string, long>(StringComparer.Ordinal);

    internal bool Covers(string eventId) =>
        eventId == EventId || RecentEvents.ContainsKey(eventId) || EventIdsAtCreated.Contains(eventId);

    [JsonIgnore]
    public DateTimeOffset CreatedAt => DateTimeOffset.FromUnixTimeSeconds(Created);

    public override string ToString() => $"{EventId ?? "(no event)"} @ {CreatedAt:u}";
}
