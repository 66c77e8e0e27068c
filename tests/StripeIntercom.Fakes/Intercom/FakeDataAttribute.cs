using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Intercom;

public sealed class FakeDataAttribute
{
    public long Id { get; init; }
    public string Name { get; init; } = "";
    public string Model { get; init; } = "contact";
    public string DataType { get; init; } = "string";
    public string? Description { get; init; }
    public bool Custom { get; init; } = true;
    public long CreatedAt { get; init; }

    public JsonObject ToJson() => new()
    {
        ["type"] = "data_attribute",
        ["id"] = Id,
        ["model"] = Model,
        ["name"] = Name,
        ["full_name"] = Custom ? "custom_attributes." + Name : Name,
        ["label"] = Name,
        ["description"] = Description ?? "",
        ["data_type"] = DataType,
        ["api_writable"] = true,
        ["messenger_writable"] = false,
        ["ui_writable"] = true,
        ["custom"] = Custom,
        ["archived"] = false,
        ["created_at"] = CreatedAt,
        ["updated_at"] = CreatedAt,
    };
}
