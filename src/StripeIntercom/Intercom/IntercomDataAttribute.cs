using System.Text.Json.Serialization;

namespace StripeIntercom.Intercom;

public sealed class IntercomDataAttribute
{
    [JsonPropertyName("id")] public long? Id { get; set; }
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("data_type")] public string? DataType { get; set; }
    [JsonPropertyName("description")] public string? Description { get; set; }
    [JsonPropertyName("custom")] public bool Custom { get; set; }
    [JsonPropertyName("archived")] public bool Archived { get; set; }

    [JsonIgnore] public IntercomDataType? Type => IntercomDataTypes.FromWireName(DataType);

    public override string ToString() => $"{Name} ({DataType})";
}
