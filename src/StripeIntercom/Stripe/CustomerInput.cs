using System;
using System.Collections;
using System.Text.RegularExpressions;

namespace StripeIntercom.Stripe;

/// <summary>
/// Which Stripe customer an input names when it is not a profile read from Stripe: a customer id string, a profile
/// built by hand, a dictionary or an object with CustomerId or Id. The caller reads an object's properties
/// (<c>property</c>: the value of the named property, or null), since only it knows what the object is.
/// </summary>
public static class CustomerInput
{
    private const int DescribedIdLength = 40;

    private static readonly Regex CustomerIdShape = new Regex("^cus_[A-Za-z0-9]+$", RegexOptions.CultureInvariant);

    public static bool IsCustomerId(string? value) => value != null && CustomerIdShape.IsMatch(value);

    /// <summary>The customer id the input names, or null when it names none.</summary>
    public static string? IdOf(object input, Func<string, object?> property)
    {
        var candidate = CandidateOf(input, property);
        return IsCustomerId(candidate) ? candidate : null;
    }

    /// <summary>A short description of the input for messages: its kind and id, never its other values.</summary>
    public static string Describe(string kind, object input, Func<string, object?> property)
    {
        var id = CandidateOf(input, property);
        return id == null
            ? kind
            : $"{kind} naming '{(id.Length > DescribedIdLength ? id.Substring(0, DescribedIdLength) + "..." : id)}'";
    }

    public static string NotACustomerId(string id) =>
        $"'{id}' is not a Stripe customer id (cus_ followed by letters and digits).";

    public static string NeitherProfileNorId(string command, string description) =>
        $"{command} takes profiles from Get-StripeCustomerProfile or Stripe customer ids (cus_...); {description} "
        + "is neither, so nothing was written for it.";

    private static string? CandidateOf(object input, Func<string, object?> property) => input switch
    {
        string text => text.Trim(),
        CustomerProfile profile => profile.Id,
        IDictionary table => (Lookup(table, "CustomerId") ?? Lookup(table, "Id"))?.ToString(),
        _ => (property("CustomerId") ?? property("Id"))?.ToString(),
    };

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
}
