using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>One data event as the fake stores it.</summary>
public sealed class FakeDataEvent
{
    public string ContactId { get; init; } = "";
    public string EventName { get; init; } = "";
    public long CreatedAt { get; init; }
    public JsonObject Metadata { get; init; } = new();

    /// <summary>Metadata keys past Intercom's 10, which it drops.</summary>
    public int DroppedMetadataKeys { get; init; }
}
