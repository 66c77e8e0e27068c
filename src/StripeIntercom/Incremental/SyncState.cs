using System;
using System.Text.Json.Serialization;

namespace StripeIntercom.Incremental
{
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

        /// <summary>Null when no full sync is in progress or was ever interrupted.</summary>
        [JsonPropertyName("fullSync")]
        public FullSyncCheckpoint? FullSync { get; set; }
    }
}
