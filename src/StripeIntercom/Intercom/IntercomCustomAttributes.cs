using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StripeIntercom.Intercom;

/// <summary>
/// A contact's custom_attributes, read-only, kept as the one JSON object Intercom sent. A bulk sync holds every
/// contact of the workspace in memory; one small document per contact, looked up by a short scan, costs a
/// fraction of a dictionary of separately parsed values.
/// </summary>
[JsonConverter(typeof(IntercomCustomAttributesConverter))]
public sealed class IntercomCustomAttributes : IReadOnlyDictionary<string, JsonElement>
{
    public static readonly IntercomCustomAttributes Empty = new IntercomCustomAttributes(null);

    private readonly JsonElement? _object;

    internal IntercomCustomAttributes(JsonElement? jsonObject) =>
        _object = jsonObject is { ValueKind: JsonValueKind.Object } ? jsonObject : null;

    public int Count => _object?.EnumerateObject().Count() ?? 0;

    public JsonElement this[string key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<JsonElement> Values => this.Select(p => p.Value);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <summary>A JSON value as a plain .NET value (string, bool, long, decimal or null), for reports and
    /// PowerShell.</summary>
    public static object? ToPlain(JsonElement? value)
    {
        if (value == null)
        {
            return null;
        }

        var element = value.Value;
        switch (element.ValueKind)
        {
            case JsonValueKind.String: return element.GetString();
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Number: return element.TryGetInt64(out var whole) ? (object)whole : element.GetDecimal();
            case JsonValueKind.Null:
            case JsonValueKind.Undefined: return null;
            default: return element.GetRawText();
        }
    }

    public bool TryGetValue(string key, out JsonElement value)
    {
        if (_object is { } element && element.TryGetProperty(key, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    public IEnumerator<KeyValuePair<string, JsonElement>> GetEnumerator()
    {
        if (_object is not { } element)
        {
            yield break;
        }

        foreach (var property in element.EnumerateObject())
        {
            yield return new KeyValuePair<string, JsonElement>(property.Name, property.Value);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

internal sealed class IntercomCustomAttributesConverter : JsonConverter<IntercomCustomAttributes>
{
    public override IntercomCustomAttributes Read(ref Utf8JsonReader reader, Type typeToConvert,
        JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? IntercomCustomAttributes.Empty
            : new IntercomCustomAttributes(JsonElement.ParseValue(ref reader));

    public override void Write(Utf8JsonWriter writer, IntercomCustomAttributes value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var pair in value)
        {
            writer.WritePropertyName(pair.Key);
            pair.Value.WriteTo(writer);
        }

        writer.WriteEndObject();
    }
}
