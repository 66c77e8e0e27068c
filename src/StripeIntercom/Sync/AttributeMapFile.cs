using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace StripeIntercom.Sync;

/// <summary>
/// Reads a JSON attribute map: { "attributes": ["stripe_mrr", ...], "rename": { "stripe_mrr": "mrr" },
/// "externalIdMetadataKey": "app_user_id" }. Every part is optional and applies to <see cref="AttributeMap.Default"/>:
/// first the selection (by catalog names), then the renames. Keys are matched in any case. Computed attributes need
/// code, so they come from the caller (or the .psd1 map).
/// </summary>
public static class AttributeMapFile
{
    public static AttributeMap Load(string path) => Load(path, AttributeMap.Default);

    public static AttributeMap Load(string path, AttributeMap baseMap)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FormatException($"Attribute map '{path}' is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"Attribute map '{path}' must be a JSON object.");
            }

            var map = baseMap;
            JsonElement? attributes = null, rename = null, externalIdKey = null;
            foreach (var property in root.EnumerateObject())
            {
                if (string.Equals(property.Name, "attributes", StringComparison.OrdinalIgnoreCase))
                {
                    attributes = property.Value;
                }
                else if (string.Equals(property.Name, "rename", StringComparison.OrdinalIgnoreCase))
                {
                    rename = property.Value;
                }
                else if (string.Equals(property.Name, "externalIdMetadataKey", StringComparison.OrdinalIgnoreCase))
                {
                    externalIdKey = property.Value;
                }
                else
                {
                    throw new FormatException($"Attribute map '{path}' has an unknown key '{property.Name}' (expected 'attributes', 'rename' and 'externalIdMetadataKey').");
                }
            }
            if (attributes is { } picked)
            {
                if (picked.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException($"'attributes' in '{path}' must be an array of names.");
                }

                map = map.Select(picked.EnumerateArray().Select(e => e.GetString() ?? throw new FormatException($"'attributes' in '{path}' holds a non-string.")).ToList());
            }
            if (rename is { } renames)
            {
                if (renames.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"'rename' in '{path}' must be an object of old -> new names.");
                }

                map = map.Rename(renames.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? throw new FormatException($"'rename.{p.Name}' in '{path}' must be a string.")));
            }
            if (externalIdKey is { } key)
            {
                if (key.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException($"'externalIdMetadataKey' in '{path}' must be a string.");
                }

                map = map.WithExternalIdMetadataKey(key.GetString());
            }
            return map;
        }
    }
}
