using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using StripeIntercom.Intercom;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>
/// Computed attributes into the settings: each entry is name = expression, or name = a dictionary of Expression, Type,
/// Description and Model, where Model is Contact (the default), Company or Both. Only the caller knows what an
/// expression is (the module's are scriptblocks): it turns a value into a function of the profile, or answers null.
/// </summary>
public static class ComputedAttributeSettings
{
    private const string ContactModel = "Contact";
    private const string CompanyModel = "Company";
    private const string BothModels = "Both";

    /// <exception cref="SyncSettingsException">An entry without an expression, or with an unknown Type or
    /// Model.</exception>
    public static void Apply(SyncSettings settings, IEnumerable<KeyValuePair<string, object?>> entries,
        Func<object?, Func<CustomerProfile, object?>?> expressionOf)
    {
        var forCompanies = new List<AttributeDefinition>(settings.CompanyComputedAttributes);
        try
        {
            foreach (var entry in entries)
            {
                var (definition, model) = Parse(entry.Key, entry.Value, expressionOf);
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

    private static (AttributeDefinition Definition, string Model) Parse(string name, object? value,
        Func<object?, Func<CustomerProfile, object?>?> expressionOf)
    {
        var model = ContactModel;
        IntercomDataType? type = null;
        string? description = null;
        var expression = value is IDictionary ? null : expressionOf(value);
        if (value is IDictionary spec)
        {
            expression = expressionOf(Lookup(spec, "Expression"));
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
                type = IntercomDataTypes.FromWireName(typeName.ToString())
                    ?? throw new ArgumentException($"Computed attribute '{name}' has Type '{typeName}'; "
                        + "use string, integer, float, boolean or date.");
            }
        }

        if (expression is null)
        {
            throw new ArgumentException(
                $"Computed attribute '{name}' needs a scriptblock, or a hashtable with Expression "
                + "(and optionally Type and Description).");
        }

        return (new AttributeDefinition(name, type, description ?? "Computed by StripeIntercom", expression), model);
    }

    private static object? Lookup(IDictionary data, string key) => data.Keys.Cast<object>()
        .Where(k => string.Equals(k.ToString(), key, StringComparison.OrdinalIgnoreCase))
        .Select(k => data[k])
        .FirstOrDefault();
}
