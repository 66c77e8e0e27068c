using System;
using System.Collections.Generic;
using System.Linq;
using StripeIntercom.Intercom;

namespace StripeIntercom.Sync;

/// <summary>
/// Contacts by id, external_id, email and the Stripe customer they carry (the link attribute), read in bulk and kept
/// current with our own writes. A listed copy never replaces one we wrote ourselves: the list may have been read
/// before our write landed. Attributes are kept only for contacts the sync manages (they carry the link) and have not
/// yet been written or checked in this run, so memory follows the contacts still to check, not the workspace: a
/// contact the sync never linked is kept as who it is, known to hold none of the sync's attributes.
/// </summary>
internal sealed class ContactIndex
{
    private readonly object _gate = new object();
    private readonly string _linkAttribute;
    private readonly Dictionary<string, IntercomContact> _byId =
        new Dictionary<string, IntercomContact>(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idByExternalId =
        new Dictionary<string, string>(StringComparer.Ordinal);
    private readonly IdsByKey _idsByEmail = new IdsByKey(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _linkById = new Dictionary<string, string>(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idByLink = new Dictionary<string, string>(StringComparer.Ordinal);
    private readonly HashSet<string> _ownWrites = new HashSet<string>(StringComparer.Ordinal);

    // Contacts the sync never linked (most of a workspace the app fills) are kept compact, without their attributes.
    private readonly UnlinkedContacts _unlinked = new UnlinkedContacts();
    private readonly HashSet<string> _removed = new HashSet<string>(StringComparer.Ordinal);

    public ContactIndex(string linkAttribute) => _linkAttribute = linkAttribute;

    /// <summary>Contacts known, kept whole or compact.</summary>
    public int Count { get { lock (_gate) { return _byId.Count + _unlinked.Count; } } }

    public void AddListed(IntercomContact contact)
    {
        var link = LinkOf(contact);
        lock (_gate)
        {
            if (_ownWrites.Contains(contact.Id))
            {
                return;
            }
            // A contact whose external_id is a Stripe customer id may be the sync's own (its email and name are then
            // the sync's to write, and a report must show their old values): kept whole, like linked ones.
            if (link == null && !IsStripeCustomerId(contact.ExternalId) && !_byId.ContainsKey(contact.Id))
            {
                _unlinked.Add(contact.Id, contact.ExternalId, contact.Email, contact.IsUser);
            }
            else
            {
                Put(link == null ? contact.WithoutCustomAttributes() : contact, link);
            }
        }
    }

    /// <param name="customerId">The Stripe customer the write made the contact carry.</param>
    public void RecordOwnWrite(IntercomContact contact, string? customerId)
    {
        lock (_gate)
        {
            _ownWrites.Add(contact.Id);
            Put(contact.WithoutAttributes(), customerId ?? LinkOf(contact));
        }
    }

    /// <summary>A contact found unchanged: keep knowing it, drop its attributes.</summary>
    public void RecordChecked(IntercomContact contact)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(contact.Id, out var held) && ReferenceEquals(held, contact))
            {
                _byId[contact.Id] = contact.WithoutAttributes();
            }
        }
    }

    /// <summary>Forgets a contact that no longer exists (merged away or archived).</summary>
    public void Remove(string id)
    {
        lock (_gate)
        {
            _removed.Add(id);
            if (!_byId.TryGetValue(id, out var contact))
            {
                return;
            }

            Unlink(contact);
            _byId.Remove(id);
        }
    }

    public IntercomContact? FindByExternalId(string externalId)
    {
        lock (_gate)
        {
            if (_idByExternalId.TryGetValue(externalId, out var id))
            {
                return _byId[id];
            }

            var unlinked = _unlinked.FindByExternalId(externalId);
            return unlinked != null && IsStillUnlinked(unlinked) ? unlinked : null;
        }
    }

    public IntercomContact? FindByLink(string customerId)
    {
        lock (_gate)
        {
            return _idByLink.TryGetValue(customerId, out var id) ? _byId[id] : null;
        }
    }

    /// <summary>The Stripe customer the contact carries, as far as this index knows.</summary>
    public string? LinkOf(string contactId)
    {
        lock (_gate)
        {
            return _linkById.TryGetValue(contactId, out var link) ? link : null;
        }
    }

    public IReadOnlyList<IntercomContact> FindByEmail(string email)
    {
        lock (_gate)
        {
            var found = _idsByEmail.Get(email).Select(id => _byId[id]).ToList();
            found.AddRange(_unlinked.FindByEmail(email).Where(IsStillUnlinked));
            return found;
        }
    }

    private static bool IsStripeCustomerId(string? externalId) =>
        externalId != null && externalId.StartsWith("cus_", StringComparison.Ordinal);

    // Listed before the sync linked or wrote it, or before it was merged away: the compact entry is out of date.
    private bool IsStillUnlinked(IntercomContact contact) =>
        !_removed.Contains(contact.Id) && !_byId.ContainsKey(contact.Id);

    public string? LinkOf(IntercomContact contact) =>
        contact.CustomAttributes.TryGetValue(_linkAttribute, out var value)
            && value.ValueKind == System.Text.Json.JsonValueKind.String
            ? value.GetString()
            : null;

    private void Put(IntercomContact contact, string? link)
    {
        // The sync's own contacts carry their customer id twice (external_id and link): kept as one string.
        if (link != null && string.Equals(link, contact.ExternalId, StringComparison.Ordinal))
        {
            link = contact.ExternalId;
        }

        if (_byId.TryGetValue(contact.Id, out var previous))
        {
            Unlink(previous);
        }

        _byId[contact.Id] = contact;
        if (contact.ExternalId != null)
        {
            _idByExternalId[contact.ExternalId] = contact.Id;
        }

        if (contact.Email != null)
        {
            _idsByEmail.Add(contact.Email, contact.Id);
        }
        if (!string.IsNullOrEmpty(link))
        {
            _linkById[contact.Id] = link!;
            _idByLink[link!] = contact.Id;
        }
    }

    private void Unlink(IntercomContact contact)
    {
        if (contact.ExternalId != null && _idByExternalId.TryGetValue(contact.ExternalId, out var holder)
            && holder == contact.Id)
        {
            _idByExternalId.Remove(contact.ExternalId);
        }

        if (contact.Email != null)
        {
            _idsByEmail.Remove(contact.Email, contact.Id);
        }

        if (_linkById.TryGetValue(contact.Id, out var link))
        {
            _linkById.Remove(contact.Id);
            if (_idByLink.TryGetValue(link, out var linked) && linked == contact.Id)
            {
                _idByLink.Remove(link);
            }
        }
    }
}
