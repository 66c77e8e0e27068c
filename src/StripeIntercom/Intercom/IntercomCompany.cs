using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StripeIntercom.Intercom;

/// <summary>
/// The parts of Intercom's company object the sync reads. <see cref="CompanyId"/> is the app's own key (set once,
/// never changed); <see cref="Id"/> is Intercom's, the one attach and detach take.
/// </summary>
public sealed class IntercomCompany
{
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("company_id")] public string CompanyId { get; set; } = "";
    [JsonPropertyName("name")] public string? Name { get; set; }
    /// <summary>The plan's name; Intercom answers with a plan object ({} when there is none) and takes a
    /// name.</summary>
    [JsonPropertyName("plan")][JsonConverter(typeof(IntercomPlanNameConverter))] public string? Plan { get; set; }
    /// <summary>Whole units: Intercom truncates what it is sent.</summary>
    [JsonPropertyName("monthly_spend")] public long MonthlySpend { get; set; }
    [JsonPropertyName("user_count")] public int UserCount { get; set; }
    [JsonPropertyName("size")] public long? Size { get; set; }
    [JsonPropertyName("website")] public string? Website { get; set; }
    [JsonPropertyName("industry")] public string? Industry { get; set; }
    [JsonPropertyName("remote_created_at")] public long? RemoteCreatedAt { get; set; }
    [JsonPropertyName("created_at")] public long CreatedAt { get; set; }
    [JsonPropertyName("updated_at")] public long UpdatedAt { get; set; }
    [JsonPropertyName("custom_attributes")]
    public IntercomCustomAttributes CustomAttributes { get; set; } = IntercomCustomAttributes.Empty;

    public override string ToString() => $"{Id} {CompanyId} {Name}";
}

/// <summary>Reads Intercom's plan object {type, id, name} (or {}) as its name; writes a name back as a plan
/// object.</summary>
internal sealed class IntercomPlanNameConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null: return null;
            case JsonTokenType.String: return reader.GetString();
            case JsonTokenType.StartObject:
                string? name = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var property = reader.GetString();
                    reader.Read();
                    if (property == "name" && reader.TokenType == JsonTokenType.String)
                    {
                        name = reader.GetString();
                    }
                    else
                    {
                        reader.SkipValue();
                    }
                }
                return name;
            default:
                reader.SkipValue();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        if (value != null)
        {
            writer.WriteString("type", "plan");
            writer.WriteString("name", value);
        }
        writer.WriteEndObject();
    }
}
