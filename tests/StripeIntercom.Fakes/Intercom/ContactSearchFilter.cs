using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>Evaluates a contacts search query: {field, operator, value} or nested {operator: AND|OR, value:
/// [...]}.</summary>
public static class ContactSearchFilter
{
    public static bool Matches(JsonObject query, FakeContact contact)
    {
        var op = FakeIntercomState.OptionalString(query, "operator")
            ?? throw FakeIntercomError.Invalid("operator is required", "query");
        if (op is "AND" or "OR")
        {
            if (query["value"] is not JsonArray parts)
            {
                throw FakeIntercomError.Invalid($"{op} needs an array of filters", "query");
            }

            var filters = parts.OfType<JsonObject>().ToList();
            return op == "AND" ? filters.All(f => Matches(f, contact)) : filters.Any(f => Matches(f, contact));
        }
        var field = FakeIntercomState.OptionalString(query, "field")
            ?? throw FakeIntercomError.Invalid("field is required", "query");
        var actual = FieldValue(contact, field);
        var expected = query["value"];
        return op switch
        {
            "=" => Equal(actual, expected),
            "!=" => !Equal(actual, expected),
            "IN" => expected is JsonArray any && any.Any(e => Equal(actual, e)),
            "NIN" => expected is JsonArray none && !none.Any(e => Equal(actual, e)),
            "<" or "<=" or ">" or ">=" => Compare(op, actual, expected),
            "~" => Text(actual)?.Contains(Text(expected) ?? "", StringComparison.OrdinalIgnoreCase) == true,
            "!~" => Text(actual)?.Contains(Text(expected) ?? "", StringComparison.OrdinalIgnoreCase) != true,
            "^" => Text(actual)?.StartsWith(Text(expected) ?? "", StringComparison.OrdinalIgnoreCase) == true,
            "$" => Text(actual)?.EndsWith(Text(expected) ?? "", StringComparison.OrdinalIgnoreCase) == true,
            _ => throw FakeIntercomError.Invalid($"operator '{op}' is not supported", "query"),
        };
    }

    private static JsonNode? FieldValue(FakeContact c, string field)
    {
        if (field.StartsWith("custom_attributes.", StringComparison.Ordinal))
        {
            return c.CustomAttributes.TryGetValue(field["custom_attributes.".Length..], out var v) ? v : null;
        }

        return field switch
        {
            "id" => c.Id,
            "external_id" => c.ExternalId,
            "email" => c.Email,
            "name" => c.Name,
            "role" => c.Role,
            "phone" => c.Phone,
            "created_at" => c.CreatedAt,
            "updated_at" => c.UpdatedAt,
            "signed_up_at" => c.SignedUpAt,
            _ => throw FakeIntercomError.Invalid($"field '{field}' is not searchable", "query"),
        };
    }

    private static bool Equal(JsonNode? actual, JsonNode? expected)
    {
        if (actual is null || expected is null)
        {
            return actual is null && expected is null;
        }

        if (Number(actual) is { } a && Number(expected) is { } b)
        {
            return a == b;
        }

        return string.Equals(Text(actual), Text(expected), StringComparison.OrdinalIgnoreCase);
    }

    private static bool Compare(string op, JsonNode? actual, JsonNode? expected)
    {
        if (Number(actual) is not { } a || Number(expected) is not { } b)
        {
            return false;
        }

        return op switch { "<" => a < b, "<=" => a <= b, ">" => a > b, _ => a >= b };
    }

    private static decimal? Number(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return null;
        }

        var kind = v.GetValueKind();
        if (kind == JsonValueKind.Number)
        {
            return decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return null;
    }

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}
