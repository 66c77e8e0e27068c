using System;
using System.Collections.Generic;
using System.Linq;
using StripeIntercom.Intercom;

namespace StripeIntercom.Sync;

/// <summary>
/// What Intercom should hold for one Stripe customer: a user whose external_id is the app's user id (from the
/// customer's metadata, see <see cref="SyncOptions.ExternalIdMetadataKey"/>) or else the customer id. Made to fit:
/// the name is cut to <see cref="IntercomFieldLimits.ContactName"/> here, custom strings by their
/// <see cref="AttributeDefinition"/>; the email is never cut (see <see cref="IntercomFieldLimits"/>).
/// </summary>
public sealed class ContactDraft
{
    public ContactDraft(string customerId, string? email, string? name,
        IReadOnlyDictionary<string, object?> customAttributes, string? externalId = null)
    {
        if (string.IsNullOrEmpty(customerId))
        {
            throw new ArgumentException("A draft needs the Stripe customer id.", nameof(customerId));
        }

        CustomerId = customerId;
        ExternalId = string.IsNullOrWhiteSpace(externalId) ? customerId : externalId!.Trim();
        Email = string.IsNullOrWhiteSpace(email) ? null : email!.Trim();
        Name = string.IsNullOrWhiteSpace(name) ? null : IntercomFieldLimits.Cut(name, IntercomFieldLimits.ContactName);
        CustomAttributes = customAttributes ?? throw new ArgumentNullException(nameof(customAttributes));
    }

    public string Role => "user";

    /// <summary>The contact's external_id: the app's user id from metadata, or the Stripe customer id.</summary>
    public string ExternalId { get; }

    public string CustomerId { get; }
    public string? Email { get; }
    public string? Name { get; }

    /// <summary>Normalised values (long, decimal, bool, string or null), keyed by Intercom attribute name.</summary>
    public IReadOnlyDictionary<string, object?> CustomAttributes { get; }

    /// <summary>The customer was deleted in Stripe: see <see cref="SyncOptions.DeletedCustomerAction"/>.</summary>
    public bool Deleted { get; set; }

    /// <summary>How this customer ranks among customers sharing its email: the best-ranked one is the
    /// contact's.</summary>
    public CustomerRank Rank { get; set; }

    /// <summary>The same draft listing <paramref name="others"/> in <paramref name="attributeName"/> (null when there
    /// are none).</summary>
    public ContactDraft WithOtherCustomers(string? attributeName, IEnumerable<string> others)
    {
        if (attributeName == null)
        {
            return this;
        }

        var list = others.OrderBy(id => id, StringComparer.Ordinal).ToList();
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var pair in CustomAttributes)
        {
            attributes[pair.Key] = pair.Value;
        }

        attributes[attributeName] = list.Count == 0 ? null : string.Join(",", list);
        return new ContactDraft(CustomerId, Email, Name, attributes, ExternalId) { Deleted = Deleted, Rank = Rank };
    }

    public override string ToString() => $"{CustomerId} {Email}";
}
