using System;
using System.Collections;
using System.Management.Automation;
using System.Text.RegularExpressions;
using StripeIntercom.Stripe;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>Which Stripe customer a pipeline object names, when it is not a profile read from Stripe.</summary>
internal static class CustomerInput
{
    private static readonly Regex CustomerIdShape = new Regex("^cus_[A-Za-z0-9]+$", RegexOptions.CultureInvariant);

    public static bool IsCustomerId(string? value) => value != null && CustomerIdShape.IsMatch(value);

    /// <summary>The customer id of a string, a hand-made profile, a hashtable or an object with CustomerId or Id; else
    /// null.</summary>
    public static string? IdOf(PSObject item)
    {
        var candidate = item.BaseObject switch
        {
            string text => text.Trim(),
            CustomerProfile profile => profile.Id,
            IDictionary table => Text(Lookup(table, "CustomerId") ?? Lookup(table, "Id")),
            _ => Text(item.Properties["CustomerId"]?.Value ?? item.Properties["Id"]?.Value),
        };
        return IsCustomerId(candidate) ? candidate : null;
    }

    /// <summary>A short description of the input for messages: its type and id, never its other values.</summary>
    public static string Describe(PSObject item)
    {
        var type = item.BaseObject is PSCustomObject ? "an object" : $"a {item.BaseObject.GetType().Name}";
        var id = item.BaseObject is string text
                     ? text
                     : Text(item.Properties["CustomerId"]?.Value ?? item.Properties["Id"]?.Value)
                           ?? (item.BaseObject is IDictionary table
                                   ? Text(Lookup(table, "CustomerId") ?? Lookup(table, "Id"))
                                   : null);
        return id == null ? type : $"{type} naming '{(id.Length > 40 ? id.Substring(0, 40) + "..." : id)}'";
    }

    private static object? Lookup(IDictionary table, string key)
    {
        foreach (DictionaryEntry entry in table)
        {
            if (string.Equals(entry.Key?.ToString(), key, StringComparison.OrdinalIgnoreCase))
            {
                return entry.Value;
            }
        }

        return null;
    }

    private static string? Text(object? value) => value is PSObject wrapped ? wrapped.BaseObject?.ToString()
                                                                            : value?.ToString();
}
