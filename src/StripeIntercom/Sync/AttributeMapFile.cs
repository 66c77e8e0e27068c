using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace StripeIntercom.Sync
{
    /// <summary>
    /// Reads a JSON attribute map: { "attributes": ["stripe_mrr", ...], "rename": { "stripe_mrr": "mrr" } }.
    /// Both parts are optional and apply to <see cref="AttributeMap.Default"/>: first the selection (by catalog
    /// names), then the renames. Computed attributes need code, so they come from the caller (or the .psd1 map).
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
                if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"Attribute map '{path}' must be a JSON object.");
                var map = baseMap;
                foreach (var property in root.EnumerateObject())
                {
                    if (property.NameEquals("attributes") || property.NameEquals("rename")) continue;
                    throw new FormatException($"Attribute map '{path}' has an unknown key '{property.Name}' (expected 'attributes' and 'rename').");
                }
                if (root.TryGetProperty("attributes", out var attributes))
                {
                    if (attributes.ValueKind != JsonValueKind.Array) throw new FormatException($"'attributes' in '{path}' must be an array of names.");
                    map = map.Select(attributes.EnumerateArray().Select(e => e.GetString() ?? throw new FormatException($"'attributes' in '{path}' holds a non-string.")).ToList());
                }
                if (root.TryGetProperty("rename", out var rename))
                {
                    if (rename.ValueKind != JsonValueKind.Object) throw new FormatException($"'rename' in '{path}' must be an object of old -> new names.");
                    map = map.Rename(rename.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? throw new FormatException($"'rename.{p.Name}' in '{path}' must be a string.")));
                }
                return map;
            }
        }
    }
}
