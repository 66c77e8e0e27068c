using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StripeIntercom.Intercom;
using StripeIntercom.Stripe;

namespace StripeIntercom.Sync;

/// <summary>
/// Finds a Stripe customer's Intercom contact by the rules the sync resolves it with (<see cref="ContactLookup"/>,
/// one lookup per customer), for the map and options the sync was given: the user whose external_id is the app's
/// user id (metadata[<see cref="SyncOptions.ExternalIdMetadataKey"/>], else the map's key) or else the customer id;
/// the contact carrying the customer in the map's link attribute; the one unlinked user with the customer's email
/// (with <see cref="SyncOptions.MergeLeads"/>, the one lead); the contact of a customer sharing the email that lists
/// this one. Reads only, so it never creates or adopts anything. Safe to call concurrently.
/// </summary>
public sealed class ContactFinder
{
    private readonly AttributeMap _map;
    private readonly SyncOptions _options;
    private readonly StripeCustomerReader? _stripe;
    private readonly ContactLookup _lookup;

    /// <param name="stripe">
    /// Reads a customer given by id when an external_id metadata key is in effect (the key's value is in Stripe);
    /// without it, or without a key, a customer id is looked up by external_id and link attribute only.
    /// </param>
    public ContactFinder(IntercomClient client, AttributeMap map, SyncOptions? options = null,
        StripeCustomerReader? stripe = null, ILogger? logger = null)
    {
        _map = map ?? throw new ArgumentNullException(nameof(map));
        _options = options ?? new SyncOptions();
        _stripe = stripe;
        _lookup = new ContactLookup(client ?? throw new ArgumentNullException(nameof(client)),
            ContactLookupMode.PerCustomer, map.LinkAttributeName, _options.MergeLeads, logger ?? NullLogger.Instance);
    }

    /// <summary>The attribute carrying the Stripe customer id (the map's, possibly renamed).</summary>
    public string LinkAttributeName => _map.LinkAttributeName;

    /// <summary>The metadata key holding the app's user id: the options', else the map's, else null.</summary>
    public string? ExternalIdMetadataKey => _options.ExternalIdMetadataKey ?? _map.ExternalIdMetadataKey;

    /// <summary>
    /// The customer's contact. A deleted customer's is found by external_id and link only, as the sync does.
    /// </summary>
    public async Task<ContactFindResult> FindAsync(CustomerProfile profile,
        CancellationToken cancellationToken = default)
    {
        if (profile == null)
        {
            throw new ArgumentNullException(nameof(profile));
        }

        var key = ExternalIdMetadataKey;
        var externalId = key != null && profile.Metadata != null && profile.Metadata.TryGetValue(key, out var appUserId)
            ? appUserId
            : null;
        var email = profile.Deleted ? null : profile.Email;
        var draft = new ContactDraft(profile.Id, email, profile.Name, new Dictionary<string, object?>(), externalId);
        return await FindAsync(draft, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The contact of a customer given by id: read from Stripe first when a metadata key is in effect and a reader was
    /// given (an unknown customer is then looked up by its id alone).
    /// </summary>
    public async Task<ContactFindResult> FindAsync(string customerId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(customerId))
        {
            throw new ArgumentException("A customer id is required.", nameof(customerId));
        }

        if (ExternalIdMetadataKey != null && _stripe != null
            && await _stripe.GetAsync(customerId, cancellationToken).ConfigureAwait(false) is { } profile)
        {
            return await FindAsync(profile, cancellationToken).ConfigureAwait(false);
        }

        var draft = new ContactDraft(customerId, null, null, new Dictionary<string, object?>());
        return await FindAsync(draft, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ContactFindResult> FindAsync(ContactDraft draft, CancellationToken cancellationToken)
    {
        var link = _map.LinkAttributeName;
        var match = await _lookup.ResolveAsync(draft, cancellationToken).ConfigureAwait(false);
        if (match.Contact != null)
        {
            return new ContactFindResult(draft, link, match.Contact, match.MatchedBy, Array.Empty<string>());
        }

        // The sync settles customers sharing an email on one contact, which lists the ones it does not carry.
        var sibling = match.SharedEmail?.FirstOrDefault(c => OtherCustomersOf(c).Contains(draft.CustomerId));
        var candidates = match.Candidates ?? Array.Empty<string>();
        return sibling != null
            ? new ContactFindResult(draft, link, sibling, ContactMatchedBy.Sibling, Array.Empty<string>())
            : new ContactFindResult(draft, link, null, ContactMatchedBy.None, candidates);
    }

    private IEnumerable<string> OtherCustomersOf(IntercomContact contact) =>
        _map.OtherCustomersAttributeName is string name
        && contact.CustomAttributes.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries).Select(id => id.Trim())
            : Enumerable.Empty<string>();
}

/// <summary>What <see cref="ContactFinder"/> found for one customer.</summary>
public sealed class ContactFindResult
{
    private readonly string _linkAttribute;

    internal ContactFindResult(ContactDraft draft, string linkAttribute, IntercomContact? contact,
        ContactMatchedBy matchedBy, IReadOnlyList<string> candidates)
    {
        _linkAttribute = linkAttribute;
        CustomerId = draft.CustomerId;
        ExternalId = draft.ExternalId;
        Email = draft.Email;
        Contact = contact;
        MatchedBy = matchedBy;
        Candidates = candidates;
    }

    public string CustomerId { get; }

    /// <summary>The external_id looked up: the app's user id from metadata, or the customer id.</summary>
    public string ExternalId { get; }

    /// <summary>The email contacts were matched by; null when the customer was given by id only.</summary>
    public string? Email { get; }

    /// <summary>The contact, or null.</summary>
    public IntercomContact? Contact { get; }

    /// <summary>How it was found (<see cref="ContactMatchedBy.None"/> when it was not).</summary>
    public ContactMatchedBy MatchedBy { get; }

    /// <summary>When several contacts could each be the customer (the sync writes none of them): their ids.</summary>
    public IReadOnlyList<string> Candidates { get; }

    /// <summary>Why no contact was found, for an error message (empty when one was).</summary>
    public string NotFoundMessage => Contact != null ? ""
        : $"No Intercom contact has external_id '{ExternalId}' or {_linkAttribute} '{CustomerId}'"
            + (Email == null ? "" : $", and no user with the email '{Email}' can be taken")
            + (Candidates.Count > 0 ? $" (several could be: {string.Join(", ", Candidates)})" : "")
            + "; search can lag a few minutes behind new contacts.";
}
