using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Stripe;

public sealed class FakeEvent
{
    public string Id { get; set; } = "";
    public string Object => "event";
    public string ApiVersion => FakeStripeServer.ApiVersion;
    public long Created { get; set; }
    public FakeEventData Data { get; set; } = new();
    public bool Livemode { get; set; }
    public long PendingWebhooks => 0;
    public FakeEventRequest Request { get; set; } = new();
    public string Type { get; set; } = "";

    /// <summary>Not listed yet: Stripe's event list is eventually consistent, so an event can show up after newer
    /// ones.</summary>
    public bool Hidden { get; set; }
}

public sealed class FakeEventData
{
    /// <summary>Snapshot of the object as it was when the event happened (unexpanded).</summary>
    public JsonNode? Object { get; set; }
    public JsonNode? PreviousAttributes { get; set; }
}

public sealed class FakeEventRequest
{
    public string? Id { get; set; }
    public string? IdempotencyKey => null;
}
