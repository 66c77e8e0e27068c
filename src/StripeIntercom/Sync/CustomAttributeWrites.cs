using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using StripeIntercom.Intercom;

namespace StripeIntercom.Sync;

/// <summary>What a contact's or company's custom attributes need written, from what it holds and what the map
/// wants.</summary>
internal static class CustomAttributeWrites
{
    /// <summary>The values that differ from what is held (null when none), each also reported in
    /// <paramref name="changes"/>.</summary>
    public static Dictionary<string, object?>? Changed(IntercomCustomAttributes held, IReadOnlyDictionary<string, object?> wanted, List<AttributeChange> changes)
    {
        Dictionary<string, object?>? write = null;
        foreach (var pair in wanted)
        {
            JsonElement? current = held.TryGetValue(pair.Key, out var element) ? element : (JsonElement?)null;
            if (IntercomValueComparer.AreEqual(current, pair.Value))
            {
                continue;
            }

            write ??= new Dictionary<string, object?>(StringComparer.Ordinal);
            write[pair.Key] = pair.Value;
            changes.Add(new AttributeChange(pair.Key, IntercomCustomAttributes.ToPlain(current), pair.Value));
        }

        return write;
    }

    /// <summary>For a new object: the values that are set (there is nothing to clear).</summary>
    public static Dictionary<string, object?> ForCreate(IReadOnlyDictionary<string, object?> wanted) =>
        wanted.Where(p => p.Value != null).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <summary>
    /// Every value, for a forced write. A null goes only where the object holds the attribute: an attribute never
    /// created cannot be cleared.
    /// </summary>
    public static Dictionary<string, object?> ForFullWrite(IntercomCustomAttributes held, IReadOnlyDictionary<string, object?> wanted) =>
        wanted.Where(p => p.Value != null || held.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
