using System;
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

        [JsonIgnore]
        public DateTimeOffset CreatedAt => DateTimeOffset.FromUnixTimeSeconds(Created);

        public override string ToString() => $"{EventId ?? "(no event)"} @ {CreatedAt:u}";
    }
}
