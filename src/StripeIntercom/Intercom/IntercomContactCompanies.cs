using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StripeIntercom.Intercom;

/// <summary>
/// The companies a contact object lists: only their Intercom ids (Intercom shows up to 10 and the total), kept as
/// one small array; a contact without companies shares <see cref="None"/>. When <see cref="IsComplete"/> is false,
/// GET /contacts/{id}/companies has the rest.
/// </summary>
[JsonConverter(typeof(IntercomContactCompaniesConverter))]
public sealed class IntercomContactCompanies
{
    public static readonly IntercomContactCompanies None = new IntercomContactCompanies(Array.Empty<string>(), 0);

    public IntercomContactCompanies(IReadOnlyList<string> ids, int totalCount)
    {
        Ids = ids ?? throw new ArgumentNullException(nameof(ids));
        TotalCount = Math.Max(totalCount, ids.Count);
    }

    /// <summary>Intercom ids of the companies listed in the contact object.</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>How many companies the contact has in all.</summary>
    public int TotalCount { get; }

    public bool IsComplete => Ids.Count >= TotalCount;
}

internal sealed class IntercomContactCompaniesConverter : JsonConverter<IntercomContactCompanies>
{
    public override IntercomContactCompanies Read(ref Utf8JsonReader reader, Type typeToConvert,
        JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.SkipValue();
            return IntercomContactCompanies.None;
        }

        List<string>? ids = null;
        var total = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var property = reader.GetString();
            reader.Read();
            if (property == "data" && reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var id = ReadId(ref reader);
                    if (id != null)
                    {
                        (ids ??= new List<string>()).Add(id);
                    }
                }
            }
            else if (property == "total_count" && reader.TokenType == JsonTokenType.Number)
            {
                total = reader.GetInt32();
            }
            else
            {
                reader.SkipValue();
            }
        }

        return ids == null && total == 0 ? IntercomContactCompanies.None
            : new IntercomContactCompanies(ids?.ToArray() ?? Array.Empty<string>(), total);
    }

    public override void Write(Utf8JsonWriter writer, IntercomContactCompanies value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "list");
        writer.WriteStartArray("data");
        foreach (var id in value.Ids)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "company");
            writer.WriteString("id", id);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteNumber("total_count", value.TotalCount);
        writer.WriteBoolean("has_more", !value.IsComplete);
        writer.WriteEndObject();
    }

    private static string? ReadId(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.SkipValue();
            return null;
        }

        string? id = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var property = reader.GetString();
            reader.Read();
            if (property == "id" && reader.TokenType == JsonTokenType.String)
            {
                id = reader.GetString();
            }
            else
            {
                reader.SkipValue();
            }
        }
        return id;
    }
}
