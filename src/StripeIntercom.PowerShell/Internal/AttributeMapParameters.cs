using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using StripeIntercom.Companies;
using StripeIntercom.Intercom;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// Turns the mapping parameters shared by the sync cmdlets into an <see cref="AttributeMap"/>:
/// -Attribute picks a subset of the catalog, -AttributeMap renames (a hashtable, or a .psd1 or .json
/// file with Attributes and Rename), -ComputedAttribute adds scriptblocks over the profile ($_).
/// </summary>
internal static class AttributeMapParameters
{
    /// <summary>The map, or a terminating InvalidAttributeMap error naming what is wrong.</summary>
    public static AttributeMap BuildOrStop(PSCmdlet cmdlet, string[]? attributes, object? attributeMap, IDictionary? computed)
    {
        try
        {
            return Build(cmdlet, attributes, attributeMap, computed);
        }
        catch (Exception ex) when (ex is ArgumentException || ex is FormatException || ex is IOException)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(ex, "InvalidAttributeMap", ErrorCategory.InvalidArgument, attributeMap ?? attributes));
            throw;
        }
    }

    public static AttributeMap Build(PSCmdlet cmdlet, string[]? attributes, object? attributeMap, IDictionary? computed)
    {
        var map = AttributeMap.Default;
        switch (attributeMap is PSObject wrapped ? wrapped.BaseObject : attributeMap)
        {
            case null:
                break;
            case IDictionary renames:
                map = ApplyPowerShellMap(map, new Hashtable { ["Rename"] = renames }, "-AttributeMap");
                break;
            case string path:
                var fullPath = cmdlet.GetUnresolvedProviderPathFromPSPath(path);
                map = string.Equals(Path.GetExtension(fullPath), ".psd1", StringComparison.OrdinalIgnoreCase)
                    ? ApplyPowerShellMap(map, ReadDataFile(fullPath), fullPath)
                    : AttributeMapFile.Load(fullPath, map);
                break;
            default:
                throw new ArgumentException("-AttributeMap takes a hashtable of renames (catalog name = new name) or the path of a .psd1 or .json map file.");
        }

        if (attributes is { Length: > 0 })
        {
            map = map.Select(attributes);
        }

        if (computed is not null)
        {
            foreach (DictionaryEntry entry in computed)
            {
                var (definition, model) = ParseComputed(entry);
                if (model != CompanyModel)
                {
                    map = map.WithComputed(definition.Name, definition.DataType, definition.Value, definition.Description);
                }
            }
        }

        return map;
    }

    /// <summary>
    /// The company map (-SyncCompany): the company-worthy catalog attributes of the contact map, under the same names,
    /// and the computed attributes whose Model is Company or Both. A terminating InvalidAttributeMap error when wrong.
    /// </summary>
    public static AttributeMap BuildCompanyOrStop(PSCmdlet cmdlet, AttributeMap contactMap, IDictionary? computed)
    {
        try
        {
            var forCompanies = new List<AttributeDefinition>();
            if (computed is not null)
            {
                foreach (DictionaryEntry entry in computed)
                {
                    var (definition, model) = ParseComputed(entry);
                    if (model != ContactModel)
                    {
                        forCompanies.Add(definition);
                    }
                }
            }

            return CompanyAttributes.From(contactMap, forCompanies);
        }
        catch (ArgumentException ex)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(ex, "InvalidAttributeMap", ErrorCategory.InvalidArgument, computed));
            throw;
        }
    }

    private const string ContactModel = "Contact";
    private const string CompanyModel = "Company";
    private const string BothModels = "Both";

    private static AttributeMap ApplyPowerShellMap(AttributeMap map, IDictionary data, string source)
    {
        foreach (var key in data.Keys.Cast<object>().Select(k => k.ToString()))
        {
            if (!string.Equals(key, "Attributes", StringComparison.OrdinalIgnoreCase) && !string.Equals(key, "Rename", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(key, "ExternalIdMetadataKey", StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException($"The attribute map {source} has an unknown key '{key}' (expected Attributes, Rename and ExternalIdMetadataKey).");
            }
        }

        if (Lookup(data, "Attributes") is { } selected)
        {
            map = map.Select(LanguagePrimitives.ConvertTo<string[]>(selected));
        }

        if (Lookup(data, "ExternalIdMetadataKey") is { } metadataKey)
        {
            map = map.WithExternalIdMetadataKey(LanguagePrimitives.ConvertTo<string>(metadataKey));
        }

        if (Lookup(data, "Rename") is IDictionary renames)
        {
            var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (DictionaryEntry pair in renames)
            {
                pairs[pair.Key.ToString()!] = pair.Value?.ToString() ?? throw new FormatException($"The new name for '{pair.Key}' in {source} is empty.");
            }

            map = map.Rename(pairs);
        }

        return map;
    }

    private static object? Lookup(IDictionary data, string key) =>
        data.Keys.Cast<object>().Where(k => string.Equals(k.ToString(), key, StringComparison.OrdinalIgnoreCase)).Select(k => data[k]).FirstOrDefault();

    /// <summary>Reads a .psd1 as data only, as Import-PowerShellDataFile does: no code in it runs.</summary>
    private static IDictionary ReadDataFile(string path)
    {
        var ast = Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0)
        {
            throw new FormatException($"The attribute map '{path}' does not parse: {errors[0].Message}");
        }

        var hashtable = ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false) as HashtableAst
            ?? throw new FormatException($"The attribute map '{path}' holds no hashtable.");
        return (IDictionary)hashtable.SafeGetValue();
    }

    /// <summary>One computed attribute and the model it is for: Contact (the default), Company or Both.</summary>
    private static (AttributeDefinition Definition, string Model) ParseComputed(DictionaryEntry entry)
    {
        var model = ContactModel;
        var name = entry.Key.ToString()!;
        var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
        IntercomDataType? type = null;
        string? description = null;
        ScriptBlock? expression = value as ScriptBlock;
        if (value is IDictionary spec)
        {
            expression = Lookup(spec, "Expression") as ScriptBlock;
            description = Lookup(spec, "Description")?.ToString();
            if (Lookup(spec, "Model") is { } modelName)
            {
                model = new[] { ContactModel, CompanyModel, BothModels }.FirstOrDefault(m => string.Equals(m, modelName.ToString(), StringComparison.OrdinalIgnoreCase))
                    ?? throw new ArgumentException($"Computed attribute '{name}' has Model '{modelName}'; use Contact, Company or Both.");
            }
            if (Lookup(spec, "Type") is { } typeName)
            {
                type = IntercomDataTypes.FromWireName(typeName.ToString())
                    ?? throw new ArgumentException($"Computed attribute '{name}' has Type '{typeName}'; use string, integer, float, boolean or date.");
            }
        }

        if (expression is null)
        {
            throw new ArgumentException($"Computed attribute '{name}' needs a scriptblock, or a hashtable with Expression (and optionally Type and Description).");
        }

        return (new AttributeDefinition(name, type, description ?? "Computed by StripeIntercom", profile => Invoke(expression, profile)), model);
    }

    /// <summary>Runs on the pipeline thread: the synchronizer builds drafts there for this reason.</summary>
    private static object? Invoke(ScriptBlock expression, CustomerProfile profile)
    {
        var output = expression.InvokeWithContext(null, new List<PSVariable> { new PSVariable("_", profile), new PSVariable("PSItem", profile) }, profile);
        var last = output.LastOrDefault(o => o is not null);
        return last?.BaseObject;
    }
}
