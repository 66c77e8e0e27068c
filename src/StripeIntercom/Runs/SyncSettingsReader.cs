using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using StripeIntercom.Events;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>
/// The one reader of sync settings. Cmdlet parameters, a .psd1 file (read as data by the module) and a .json file
/// all arrive here as keys and values, with the same keys (matched in any case) and the same errors:
/// <c>Attributes</c> (or <c>Attribute</c>), <c>Rename</c>, <c>ExternalIdMetadataKey</c>, <c>MergeLeads</c>,
/// <c>Force</c>, <c>LookupMode</c>, <c>WriteMode</c>, <c>DeletedCustomerAction</c>, <c>SyncCompany</c>,
/// <c>CompanyIdMetadataKey</c>, <c>ThrottleLimit</c>, <c>MaxRequestsPerWindow</c>. Within one source the
/// selection applies before the renames; a later source (the cmdlet's own parameters after its settings file) wins.
/// </summary>
public static class SyncSettingsReader
{
    public const string InvalidSettings = "InvalidAttributeMap";
    public const string CompanyKeyWithoutCompanies = "CompanyIdMetadataKeyWithoutSyncCompany";

    /// <summary>The keys a source may hold (a cmdlet passes only its bound parameters of these names).</summary>
    public static readonly IReadOnlyList<string> Keys = new[]
    {
        "Attributes", "Attribute", "Rename", "ExternalIdMetadataKey", "MergeLeads", "Force", "LookupMode",
        "DeletedCustomerAction", "SyncCompany", "CompanyIdMetadataKey", "ThrottleLimit", "MaxRequestsPerWindow",
        "SyncEvents", "EventName", "WriteMode",
    };

    /// <summary>Applies one source's values to <paramref name="settings"/>.</summary>
    /// <param name="source">How errors name the source: a file's path, or "the parameters".</param>
    /// <exception cref="SyncSettingsException">An unknown key, a value of the wrong kind, or an unknown
    /// attribute.</exception>
    public static SyncSettings Apply(
        SyncSettings settings, IEnumerable<KeyValuePair<string, object?>> values, string source)
    {
        if (settings == null)
        {
            throw new ArgumentNullException(nameof(settings));
        }

        var byKey = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in values)
        {
            var key = Keys.FirstOrDefault(k => string.Equals(k, pair.Key, StringComparison.OrdinalIgnoreCase))
                ?? throw Invalid($"{Capitalized(source)} has an unknown key '{pair.Key}' "
                    + $"(expected {string.Join(", ", Keys.Where(k => k != "Attribute"))}).");
            byKey[key == "Attribute" ? "Attributes" : key] = pair.Value;
        }

        try
        {
            if (byKey.TryGetValue("Attributes", out var attributes))
            {
                settings.Map = settings.Map.Select(StringList(attributes, "Attributes", source));
            }

            if (byKey.TryGetValue("Rename", out var rename))
            {
                settings.Map = settings.Map.Rename(Renames(rename, source));
            }
        }
        catch (ArgumentException ex)
        {
            throw Invalid($"{Capitalized(source)}: {ex.Message}", ex);
        }

        foreach (var pair in byKey)
        {
            var value = pair.Value;
            switch (pair.Key)
            {
                case "ExternalIdMetadataKey":
                    settings.ExternalIdMetadataKey = OptionalString(value, pair.Key, source);
                    break;
                case "CompanyIdMetadataKey":
                    settings.CompanyIdMetadataKey = OptionalString(value, pair.Key, source);
                    break;
                case "MergeLeads":
                    settings.MergeLeads = Boolean(value, pair.Key, source);
                    break;
                case "Force":
                    settings.Force = Boolean(value, pair.Key, source);
                    break;
                case "SyncCompany":
                    settings.SyncCompanies = Boolean(value, pair.Key, source);
                    break;
                case "LookupMode":
                    settings.LookupMode = Enum<ContactLookupMode>(value, pair.Key, source);
                    break;
                case "WriteMode":
                    settings.WriteMode = Enum<ContactWriteMode>(value, pair.Key, source);
                    break;
                case "DeletedCustomerAction":
                    settings.DeletedCustomerAction = Enum<DeletedCustomerAction>(value, pair.Key, source);
                    break;
                case "ThrottleLimit":
                    settings.ThrottleLimit = Integer(value, pair.Key, source, 1, 64);
                    break;
                case "MaxRequestsPerWindow":
                    settings.MaxRequestsPerWindow = Integer(value, pair.Key, source, 1, 100000);
                    break;
                case "SyncEvents":
                    settings.SyncEvents = Boolean(value, pair.Key, source);
                    break;
                case "EventName":
                    settings.EventNames = EventNames(value, source);
                    break;
            }
        }

        return settings;
    }

    /// <summary>Applies a .json settings file: one object whose keys are those of <see cref="Keys"/>.</summary>
    public static SyncSettings ApplyJsonFile(SyncSettings settings, string path) =>
        Apply(settings, ReadJsonFile(path), $"the settings file '{path}'");

    /// <summary>
    /// Checks what no single source can: -CompanyIdMetadataKey names the company of each customer, so without
    /// -SyncCompany it is a mistake worth stopping for, not a silent no-op.
    /// </summary>
    public static void Validate(SyncSettings settings)
    {
        if (!settings.SyncCompanies && settings.CompanyIdMetadataKey != null)
        {
            throw new SyncSettingsException(CompanyKeyWithoutCompanies,
                "-CompanyIdMetadataKey names the company of each customer; it needs -SyncCompany to turn company "
                + "sync on.");
        }
    }

    /// <summary>A JSON object's keys and values, as the other sources give them (arrays as lists, objects as
    /// maps).</summary>
    public static IReadOnlyDictionary<string, object?> ReadJsonFile(string path)
    {
        JsonDocument document;
        try
        {
            var options
                = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
            document = JsonDocument.Parse(File.ReadAllText(path), options);
        }
        catch (JsonException ex)
        {
            throw Invalid($"The settings file '{path}' is not valid JSON: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw Invalid($"The settings file '{path}' cannot be read: {ex.Message}", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"The settings file '{path}' must hold one JSON object.");
            }

            return (IReadOnlyDictionary<string, object?>)FromJson(document.RootElement)!;
        }
    }

    private static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject()
            .ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.OrdinalIgnoreCase),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var whole) ? whole : (object)element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static IReadOnlyList<string> StringList(object? value, string key, string source)
    {
        IEnumerable<object?> items = value switch
        {
            string one => new object?[] { one },
            IEnumerable many => many.Cast<object?>(),
            _ => throw Invalid($"'{key}' in {source} must be a list of attribute names."),
        };
        return items.Select(item => item as string
            ?? throw Invalid($"'{key}' in {source} must hold names (text); it holds {Describe(item)}.")).ToList();
    }

    private static IDictionary<string, string> Renames(object? value, string source)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (value)
        {
            case IDictionary table:
                foreach (DictionaryEntry entry in table)
                {
                    pairs[entry.Key.ToString()!] = RenameTarget(entry.Key.ToString()!, entry.Value, source);
                }

                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                foreach (var entry in map)
                {
                    pairs[entry.Key] = RenameTarget(entry.Key, entry.Value, source);
                }

                break;
            default:
                throw Invalid($"'Rename' in {source} must map current names to new names.");
        }

        return pairs;
    }

    /// <summary>-EventName: Stripe types or event names to new names; an empty or null name drops the event.</summary>
    private static BillingEventNames EventNames(object? value, string source)
    {
        var pairs = new Dictionary<string, string?>(StringComparer.Ordinal);
        switch (value)
        {
            case IDictionary table:
                foreach (DictionaryEntry entry in table)
                {
                    pairs[entry.Key.ToString()!] = entry.Value?.ToString();
                }

                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                foreach (var entry in map)
                {
                    pairs[entry.Key] = entry.Value?.ToString();
                }

                break;
            default:
                throw Invalid($"'EventName' in {source} must map Stripe event types or event names to new names.");
        }

        try
        {
            return new BillingEventNames(pairs);
        }
        catch (ArgumentException ex)
        {
            throw Invalid($"{Capitalized(source)}: {ex.Message}", ex);
        }
    }

    private static string RenameTarget(string from, object? to, string source) =>
        to is string name && name.Trim().Length > 0
            ? name
            : throw Invalid($"The new name for '{from}' in {source} must be a non-empty name; it is {Describe(to)}.");

    private static string? OptionalString(object? value, string key, string source) => value switch
    {
        null => null,
        string text => text.Trim().Length == 0 ? null : text.Trim(),
        _ => throw Invalid($"'{key}' in {source} must be text; it is {Describe(value)}."),
    };

    private static bool Boolean(object? value, string key, string source) => value switch
    {
        bool flag => flag,
        string text when bool.TryParse(text, out var parsed) => parsed,
        _ => throw Invalid($"'{key}' in {source} must be true or false; it is {Describe(value)}."),
    };

    private static int Integer(object? value, string key, string source, int min, int max)
    {
        long? number = value switch
        {
            int i => i,
            long l => l,
            double d when Math.Abs(d % 1) < double.Epsilon => (long)d,
            string text when long.TryParse(
                text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        if (number is not long n || n < min || n > max)
        {
            throw Invalid($"'{key}' in {source} must be a whole number from {min} to {max}; it is {Describe(value)}.");
        }

        return (int)n;
    }

    private static T Enum<T>(object? value, string key, string source)
        where T : struct
    {
        if (value is T typed)
        {
            return typed;
        }

        if (value is string text && System.Enum.TryParse<T>(text, ignoreCase: true, out var parsed)
            && System.Enum.IsDefined(typeof(T), parsed))
        {
            return parsed;
        }

        throw Invalid($"'{key}' in {source} must be one of {string.Join(", ", System.Enum.GetNames(typeof(T)))}; "
            + $"it is {Describe(value)}.");
    }

    private static string Describe(object? value) => value switch
    {
        null => "empty",
        string text => $"'{text}'",
        _ => $"a {value.GetType().Name} ({value})",
    };

    private static string Capitalized(string source) =>
        source.Length == 0 ? source : char.ToUpperInvariant(source[0]) + source.Substring(1);

    private static SyncSettingsException Invalid(string message, Exception? inner = null) =>
        new SyncSettingsException(InvalidSettings, message, inner);
}
