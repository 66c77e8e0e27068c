using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StripeIntercom.Intercom;

/// <summary>
/// A data event on a contact's timeline: the body of POST /events, and one item of GET /events. Intercom identifies
/// an event by contact, name and <see cref="CreatedAt"/> and ignores a repeat, so a sender that must send once
/// sends a repeat with the same three.
/// </summary>
public sealed class IntercomDataEvent
{
    /// <summary>Past-tense verb-noun, as Intercom advises ("stripe-payment-failed").</summary>
    [JsonPropertyName("event_name")] public string EventName { get; set; } = "";

    /// <summary>When it happened, in Unix seconds.</summary>
    [JsonPropertyName("created_at")] public long CreatedAt { get; set; }

    /// <summary>The Intercom contact id (a user or a lead). Sent rather than user_id or email, so the event lands on
    /// the contact the sync found, never on one Intercom would pick or create.</summary>
    [JsonPropertyName("id")] public string? ContactId { get; set; }

    /// <summary>The contact's id as GET /events names it.</summary>
    [JsonPropertyName("intercom_user_id")] public string? IntercomUserId { get; set; }

    [JsonPropertyName("user_id")] public string? UserId { get; set; }

    [JsonPropertyName("email")] public string? Email { get; set; }

    /// <summary>
    /// Flat: strings, numbers, booleans, dates (keys ending <c>_date</c>, Unix seconds), <see cref="IntercomPrice"/>
    /// and <see cref="IntercomRichLink"/>; at most 10 keys, kept in the order given. Read back as JSON values.
    /// </summary>
    [JsonPropertyName("metadata")] public Dictionary<string, object?>? Metadata { get; set; }

    /// <summary>When it happened, as a time (read back).</summary>
    [JsonIgnore] public DateTimeOffset Created => DateTimeOffset.FromUnixTimeSeconds(CreatedAt);

    /// <summary>
    /// The metadata read back as plain values, in order: strings, numbers and booleans as they are, a price or rich
    /// link as a dictionary of its fields (amount and currency; url and value).
    /// </summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, object?> Data =>
        (Metadata ?? new Dictionary<string, object?>()).ToDictionary(pair => pair.Key, pair =>
            pair.Value is JsonElement { ValueKind: JsonValueKind.Object } fields
                ? fields.EnumerateObject().ToDictionary(f => f.Name,
                    f => IntercomCustomAttributes.ToPlain(f.Value), StringComparer.Ordinal)
                : pair.Value is JsonElement element ? IntercomCustomAttributes.ToPlain(element) : pair.Value,
            StringComparer.Ordinal);

    /// <summary>A metadata value read back from GET /events (null when absent).</summary>
    public JsonElement? MetadataValue(string key) =>
        Metadata != null && Metadata.TryGetValue(key, out var value) && value is JsonElement element
            ? element : (JsonElement?)null;
}
