using System;
using System.Globalization;
using System.Text.Json;

namespace StripeIntercom.Sync;

/// <summary>
/// Compares what Intercom holds (JSON) with a draft's normalised value so that an unchanged value compares
/// equal however it travelled: 12.5 equals 12.50, a missing attribute equals null, 1 equals 1.0.
/// </summary>
internal static class IntercomValueComparer
{
    public static bool AreEqual(JsonElement? current, object? wanted)
    {
        var isNull = current == null || current.Value.ValueKind == JsonValueKind.Null
            || current.Value.ValueKind == JsonValueKind.Undefined;
        if (wanted == null)
        {
            return isNull;
        }

        if (isNull)
        {
            return false;
        }

        var element = current!.Value;
        switch (wanted)
        {
            case bool b:
                return element.ValueKind == (b ? JsonValueKind.True : JsonValueKind.False);
            case string s:
                return element.ValueKind == JsonValueKind.String
                    && string.Equals(element.GetString(), s, StringComparison.Ordinal);
            default:
                var wantedNumber = ToDecimal(wanted);
                if (wantedNumber == null)
                {
                    return string.Equals(element.ToString(), Convert.ToString(wanted, CultureInfo.InvariantCulture),
                        StringComparison.Ordinal);
                }

                if (element.ValueKind == JsonValueKind.Number)
                {
                    return element.TryGetDecimal(out var d) && d == wantedNumber.Value;
                }

                if (element.ValueKind == JsonValueKind.String)
                {
                    return decimal.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture,
                        out var parsed) && parsed == wantedNumber.Value;
                }

                return false;
        }
    }

    private static decimal? ToDecimal(object value)
    {
        switch (value)
        {
            case byte _:
            case sbyte _:
            case short _:
            case ushort _:
            case int _:
            case uint _:
            case long _:
            case ulong _:
            case float _:
            case double _:
            case decimal _:
                return Convert.ToDecimal(value, CultureInfo.InvariantCulture);
            default: return null;
        }
    }
}
