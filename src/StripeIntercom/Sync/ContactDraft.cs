using System;
using System.Collections.Generic;
using StripeIntercom.Intercom;

namespace StripeIntercom.Sync
{
    /// <summary>
    /// What Intercom should hold for one Stripe customer: a user whose external_id is the customer id. Made to fit:
    /// the name is cut to <see cref="IntercomFieldLimits.ContactName"/> here, custom strings by their
    /// <see cref="AttributeDefinition"/>; the email is never cut (see <see cref="IntercomFieldLimits"/>).
    /// </summary>
    public sealed class ContactDraft
    {
        public ContactDraft(string externalId, string? email, string? name, IReadOnlyDictionary<string, object?> customAttributes)
        {
            if (string.IsNullOrEmpty(externalId)) throw new ArgumentException("A draft needs the Stripe customer id as external_id.", nameof(externalId));
            ExternalId = externalId;
            Email = string.IsNullOrWhiteSpace(email) ? null : email!.Trim();
            Name = string.IsNullOrWhiteSpace(name) ? null : IntercomFieldLimits.Cut(name, IntercomFieldLimits.ContactName);
            CustomAttributes = customAttributes ?? throw new ArgumentNullException(nameof(customAttributes));
        }

        public string Role => "user";
        public string ExternalId { get; }
        public string CustomerId => ExternalId;
        public string? Email { get; }
        public string? Name { get; }
        /// <summary>Normalised values (long, decimal, bool, string or null), keyed by Intercom attribute name.</summary>
        public IReadOnlyDictionary<string, object?> CustomAttributes { get; }

        /// <summary>The customer was deleted in Stripe: see <see cref="SyncOptions.DeletedCustomerAction"/>.</summary>
        public bool Deleted { get; set; }

        public override string ToString() => $"{ExternalId} {Email}";
    }
}
