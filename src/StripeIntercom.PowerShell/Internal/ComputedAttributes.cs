using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using StripeIntercom.Intercom;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// -ComputedAttribute: name = scriptblock over the profile ($_), or name = @{ Expression; Type; Description; Model },
/// where Model is Contact (the default), Company or Both. Scriptblocks run on the pipeline thread
/// (<see cref="PipelineThreadHost"/>).
/// </summary>
internal static class ComputedAttributes
{
    private const string ContactModel = "Contact";
    private const string CompanyModel = "Company";
    private const string BothModels = "Both";

    public static void Apply(SyncSettings settings, IDictionary? computed)
    {
        if (computed is null)
        {
            return;
        }

        var forCompanies = new List<AttributeDefinition>(settings.CompanyComputedAttributes);
        try
        {
            foreach (DictionaryEntry entry in computed)
            {
                var (definition, model) = Parse(entry);
                if (model != CompanyModel)
                {
                    settings.Map = settings.Map.WithComputed(definition.Name, definition.DataType, definition.Value,
                        definition.Description);
                }

                if (model != ContactModel)
                {
                    forCompanies.Add(definition);
                }
            }
        }
        catch (ArgumentException ex)
        {
            throw new SyncSettingsException(SyncSettingsReader.InvalidSettings, ex.Message, ex);
        }

        settings.CompanyComputedAttributes = forCompanies;
    }

    private static (AttributeDefinition Definition, string Model) Parse(DictionaryEntry entry)
    {
        var model = ContactModel;
        var name = entry.Key.ToString()!;
        var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
        IntercomDataType? type = null;
        string? description = null;
        var expression = value as ScriptBlock;
        if (value is IDictionary spec)
        {
            expression = Lookup(spec, "Expression") as ScriptBlock;
            description = Lookup(spec, "Description")?.ToString();
            if (Lookup(spec, "Model") is { } modelName)
            {
                model = new[] { ContactModel, CompanyModel, BothModels }
                    .FirstOrDefault(m => string.Equals(m, modelName.ToString(), StringComparison.OrdinalIgnoreCase))
                    ?? throw new ArgumentException(
                        $"Computed attribute '{name}' has Model '{modelName}'; use Contact, Company or Both.");
            }

            if (Lookup(spec, "Type") is { } typeName)
            {
                type
                    = IntercomDataTypes.FromWireName(typeName.ToString())
                      ?? throw new ArgumentException(
                          $"Computed attribute '{name}' has Type '{typeName}'; use string, integer, float, boolean or date.");
            }
        }

        if (expression is null)
        {
            throw new ArgumentException(
                $"Computed attribute '{name}' needs a scriptblock, or a hashtable with Expression "
                + "(and optionally Type and Description).");
        }

        var definition = new AttributeDefinition(name, type, description ?? "Computed by StripeIntercom",
            profile => Invoke(expression, profile));
        return (definition, model);
    }

    private static object? Lookup(IDictionary data, string key) => data.Keys.Cast<object>()
        .Where(k => string.Equals(k.ToString(), key, StringComparison.OrdinalIgnoreCase))
        .Select(k => data[k])
        .FirstOrDefault();

    private static object? Invoke(ScriptBlock expression, CustomerProfile profile)
    {
        var variables = new List<PSVariable> { new PSVariable("_", profile), new PSVariable("PSItem", profile) };
        var output = expression.InvokeWithContext(null, variables, profile);
        return output.LastOrDefault(o => o is not null)?.BaseObject;
    }
}
