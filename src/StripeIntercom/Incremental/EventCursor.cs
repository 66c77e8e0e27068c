using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace StripeIntercom.Incremental
{
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
        /// Every processed event of the cursor's own second. Stripe times are whole seconds, so the next run
        /// lists that second again (created[gte]) and skips exactly these.
        /// </summary>
        [JsonPropertyName("eventIdsAtCreated")]
        public List<string> EventIdsAtCreated { get; set; } = new List<string>();

        internal bool Covers(string eventId) => eventId == EventId || EventIdsAtCreated.Contains(eventId);

        [JsonIgnore]
        public DateTimeOffset CreatedAt => DateTimeOffset.FromUnixTimeSeconds(Created);

        public override string ToString() => $"{EventId ?? "(no event)"} @ {CreatedAt:u}";
    }
}
