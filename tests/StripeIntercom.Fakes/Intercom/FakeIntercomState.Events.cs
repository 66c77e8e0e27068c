using System.Globalization;
using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>Data events, as the 2.14 description says: a contact by id, user_id or email; flat metadata of at most
/// 10 kept keys; a repeat (same contact, name and created_at) ignored and answered 202 alike.</summary>
public sealed partial class FakeIntercomState
{
    private const int MaxMetadataKeys = 10;
    private readonly List<FakeDataEvent> _dataEvents = new();
    private readonly HashSet<(string ContactId, string Name, long CreatedAt)> _dataEventKeys = new();
    private int _duplicateDataEvents;

    /// <summary>Every data event stored, in arrival order.</summary>
    public IReadOnlyList<FakeDataEvent> DataEvents { get { lock (_gate) { return _dataEvents.ToList(); } } }

    /// <summary>Events received again and ignored by the de-duplication rule.</summary>
    public int DuplicateDataEvents { get { lock (_gate) { return _duplicateDataEvents; } } }

    public void AddDataEvent(JsonObject body)
    {
        var name = body["event_name"] is JsonValue nameValue && nameValue.TryGetValue<string>(out var text)
            ? text : null;
        if (string.IsNullOrWhiteSpace(name))
        {
            throw FakeIntercomError.Invalid("event_name is required", "event_name");
        }

        if (body["created_at"] is not JsonValue createdValue || !createdValue.TryGetValue<long>(out var createdAt))
        {
            throw FakeIntercomError.Invalid("created_at must be a Unix timestamp in seconds", "created_at");
        }

        var metadata = ValidateEventMetadata(body["metadata"]);
        lock (_gate)
        {
            var contact = EventContact(body) ?? throw FakeIntercomError.NotFound("User");
            if (!_dataEventKeys.Add((contact.Id, name, createdAt)))
            {
                _duplicateDataEvents++;
                return;
            }

            var kept = new JsonObject();
            foreach (var (key, value) in metadata.Take(MaxMetadataKeys))
            {
                kept[key] = value?.DeepClone();
            }

            _dataEvents.Add(new FakeDataEvent
            {
                ContactId = contact.Id,
                EventName = name,
                CreatedAt = createdAt,
                Metadata = kept,
                DroppedMetadataKeys = Math.Max(0, metadata.Count - MaxMetadataKeys),
            });
        }
    }

    /// <summary>A contact's events, newest first; <paramref name="before"/> is the position the previous page ended
    /// at.</summary>
    public JsonObject ListDataEvents(string? intercomUserId, string? userId, string? email, int perPage,
        string? before)
    {
        lock (_gate)
        {
            var contact = intercomUserId is not null ? VisibleById(intercomUserId)
                : userId is not null ? VisibleUserWithExternalId(userId)
                : email is not null ? FirstVisibleWithEmail(email)
                : throw FakeIntercomError.Invalid("One of intercom_user_id, user_id or email is required");
            if (contact is null)
            {
                throw FakeIntercomError.NotFound("User");
            }

            var all = _dataEvents.Where(e => e.ContactId == contact.Id)
                .OrderByDescending(e => e.CreatedAt).ToList();
            var skip = before is null ? 0 : int.Parse(before, CultureInfo.InvariantCulture);
            var page = all.Skip(skip).Take(Math.Clamp(perPage, 1, 100)).ToList();
            var pages = new JsonObject();
            if (skip + page.Count < all.Count)
            {
                pages["next"] = $"https://api.intercom.io/events?type=user&intercom_user_id={contact.Id}"
                    + $"&per_page={perPage}&before={skip + page.Count}";
            }

            // 2.14 describes this answer as an "event.summary" naming the user, its events in "events".
            return new JsonObject
            {
                ["type"] = "event.summary",
                ["email"] = contact.Email,
                ["intercom_user_id"] = contact.Id,
                ["user_id"] = contact.ExternalId,
                ["events"] = new JsonArray(page.Select(e => (JsonNode)EventJson(e, contact)).ToArray()),
                ["pages"] = pages,
            };
        }
    }

    public JsonObject DataEventsJson()
    {
        lock (_gate)
        {
            return new JsonObject
            {
                ["duplicates_ignored"] = _duplicateDataEvents,
                ["events"] = new JsonArray(_dataEvents
                    .Select(e => (JsonNode)EventJson(e, ById(e.ContactId))).ToArray()),
            };
        }
    }

    private void ResetDataEvents()
    {
        _dataEvents.Clear();
        _dataEventKeys.Clear();
        _duplicateDataEvents = 0;
    }

    private FakeContact? EventContact(JsonObject body)
    {
        if ((string?)body["id"] is { } id)
        {
            return VisibleById(id);
        }

        if ((string?)body["user_id"] is { } userId)
        {
            return VisibleUserWithExternalId(userId);
        }

        if ((string?)body["email"] is { } email)
        {
            return FirstVisibleWithEmail(email);
        }

        throw FakeIntercomError.Invalid("One of id, user_id or email is required");
    }

    private FakeContact? FirstVisibleWithEmail(string email) =>
        Candidates(_contactsByEmail, email).FirstOrDefault(c =>
            c.IsVisible && string.Equals(c.Email, email, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Flat only: strings, numbers, booleans, a price {amount, currency} or a rich link {url, value}.
    /// </summary>
    private static List<KeyValuePair<string, JsonNode?>> ValidateEventMetadata(JsonNode? metadata)
    {
        if (metadata is null)
        {
            return new();
        }

        if (metadata is not JsonObject fields)
        {
            throw FakeIntercomError.Invalid("metadata must be an object", "metadata");
        }

        foreach (var (key, value) in fields)
        {
            var valid = value switch
            {
                null or JsonValue => true,
                JsonObject price when price.Count == 2 && price["amount"] is JsonValue amount
                    && amount.TryGetValue<long>(out var minor) && minor >= 0
                    && price["currency"] is JsonValue currency && currency.TryGetValue<string>(out _) => true,
                JsonObject link when link.Count == 2 && link["url"] is JsonValue url
                    && url.TryGetValue<string>(out var address)
                    && (address.StartsWith("https://", StringComparison.Ordinal)
                        || address.StartsWith("http://", StringComparison.Ordinal))
                    && link["value"] is JsonValue => true,
                _ => false,
            };
            if (!valid)
            {
                throw FakeIntercomError.Invalid(
                    $"metadata.{key} must be a string, number, boolean, price or rich link (nested data is not "
                    + "supported)", "metadata");
            }
        }

        return fields.ToList();
    }

    private static JsonObject EventJson(FakeDataEvent dataEvent, FakeContact? contact) => new()
    {
        ["type"] = "event",
        ["event_name"] = dataEvent.EventName,
        ["created_at"] = dataEvent.CreatedAt,
        ["intercom_user_id"] = dataEvent.ContactId,
        ["user_id"] = contact?.ExternalId,
        ["email"] = contact?.Email,
        ["metadata"] = dataEvent.Metadata.DeepClone(),
    };
}
