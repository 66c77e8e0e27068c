using System.Globalization;
using System.Runtime.CompilerServices;
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
            "IN" => expected is JsonArray any && ValueSet.Of(any).Contains(actual),
            "NIN" => expected is JsonArray none && !ValueSet.Of(none).Contains(actual),
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

    /// <summary>
    /// An IN list read once per search rather than once per contact (a search for a batch's 100 external_ids over a
    /// workspace of 10,000 contacts compared a million pairs), with the same matching as <see cref="Equal"/>.
    /// </summary>
    private sealed class ValueSet
    {
        private static readonly ConditionalWeakTable<JsonArray, ValueSet> Cache = new();
        private readonly HashSet<decimal> _numbers = new();
        private readonly HashSet<string> _texts = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _nonNumberTexts = new(StringComparer.OrdinalIgnoreCase);
        private bool _hasNull;

        public static ValueSet Of(JsonArray values) => Cache.GetValue(values, Read);

        public bool Contains(JsonNode? actual)
        {
            if (actual is null)
            {
                return _hasNull;
            }

            var text = Text(actual)!;
            return Number(actual) is { } number
                ? _numbers.Contains(number) || _nonNumberTexts.Contains(text)
                : _texts.Contains(text);
        }

        private static ValueSet Read(JsonArray values)
        {
            var set = new ValueSet();
            foreach (var value in values)
            {
                if (value is null)
                {
                    set._hasNull = true;
                    continue;
                }

                var text = Text(value)!;
                set._texts.Add(text);
                if (Number(value) is { } number)
                {
                    set._numbers.Add(number);
                }
                else
                {
                    set._nonNumberTexts.Add(text);
                }
            }

            return set;
        }
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
