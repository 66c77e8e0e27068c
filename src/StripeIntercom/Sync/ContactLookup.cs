using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using StripeIntercom.Intercom;
using StripeIntercom.Runs;

namespace StripeIntercom.Sync;

/// <summary>
/// Finds the contact that may already exist for a draft, at the lowest cost the workspace allows. Safe to call
/// concurrently.
/// <para>
/// Cost (<see cref="ContactLookupMode.Auto"/>): the first list page (150 contacts) is read once; its total_count says
/// how many pages a bulk read takes (P). Customers are then looked up one by one until the lookups spent reach P, at
/// which point the rest of the list is read once into an index and every later customer is resolved from memory. An
/// empty or small workspace is therefore fully indexed by one call.
/// </para>
/// <para>
/// Search lags behind writes, so it is only used to find contacts that existed before the run, never one this run
/// created: those carry our external_id and are found by it, and a create that collides anyway gets a 409 naming
/// the contact to adopt.
/// </para>
/// </summary>
internal sealed class ContactLookup
{
    private readonly IntercomClient _client;
    private readonly ContactLookupMode _mode;
    private readonly ILogger _logger;
    private readonly ContactIndex _index;
    private readonly string _linkAttribute;
    private readonly bool _mergeLeads;
    private readonly SemaphoreSlim _indexGate = new SemaphoreSlim(1, 1);
    private volatile bool _indexComplete;
    private bool _firstPageRead;
    private string? _nextPageCursor;
    private int _bulkPages = int.MaxValue;
    private int _lookups;

    /// <param name="linkAttribute">The attribute naming the Stripe customer a contact carries.</param>
    /// <param name="mergeLeads">Whether a lead with the customer's email may be taken (it is unverified: anyone can
    /// chat under any email).</param>
    public ContactLookup(
        IntercomClient client, ContactLookupMode mode, string linkAttribute, bool mergeLeads, ILogger logger)
    {
        _client = client;
        _mode = mode;
        _logger = logger;
        _linkAttribute = linkAttribute;
        _mergeLeads = mergeLeads;
        _index = new ContactIndex(linkAttribute);
    }

    /// <summary>Per-customer lookup calls made (find_by_external_id, email searches, re-reads of indexed
    /// contacts).</summary>
    public int LookupsSpent => Volatile.Read(ref _lookups);

    /// <summary>True once every contact has been read into the index.</summary>
    public bool IsIndexComplete => _indexComplete;

    /// <summary>
    /// The customer's contact, in this order: the user whose external_id is the draft's; the contact already carrying
    /// this customer (its link attribute); the one user with this email (case-insensitive) that carries no other
    /// customer; with -MergeLeads, the one lead with this email. Users with this email that carry other customers are
    /// returned as <see cref="ContactMatch.SharedEmail"/> for the synchronizer to settle between siblings; several
    /// unlinked users are a conflict.
    /// </summary>
    public async Task<ContactMatch> ResolveAsync(ContactDraft draft, CancellationToken cancellationToken)
    {
        if (await IsIndexUsableAsync(cancellationToken).ConfigureAwait(false))
        {
            var indexed = _index.FindByExternalId(draft.ExternalId);
            if (indexed != null && indexed.IsUser)
            {
                var full = await WithAttributesAsync(indexed, cancellationToken).ConfigureAwait(false);
                if (full.ExternalId == draft.ExternalId)
                {
                    return ContactMatch.Existing(full, ContactMatchedBy.ExternalId);
                }
            }
            var linked = _index.FindByLink(draft.CustomerId);
            if (linked != null)
            {
                return ContactMatch.Existing(
                    await WithAttributesAsync(linked, cancellationToken).ConfigureAwait(false), ContactMatchedBy.Link);
            }

            if (draft.Email == null)
            {
                return ContactMatch.None;
            }

            var match = MatchByEmail(draft, _index.FindByEmail(draft.Email), _index.LinkOf);
            if (match.Contact == null)
            {
                return match;
            }

            var adopted = await WithAttributesAsync(match.Contact, cancellationToken).ConfigureAwait(false);
            return string.Equals(adopted.Email, draft.Email, StringComparison.OrdinalIgnoreCase)
                       ? ContactMatch.Existing(adopted, match.MatchedBy)
                       : ContactMatch.None;
        }

        Interlocked.Increment(ref _lookups);
        var byExternalId
            = await _client.FindContactByExternalIdAsync(draft.ExternalId, cancellationToken).ConfigureAwait(false);
        if (byExternalId != null && byExternalId.IsUser)
        {
            return ContactMatch.Existing(byExternalId, ContactMatchedBy.ExternalId);
        }

        // One search finds both the contact carrying this customer and the contacts with its email. Search lags, so it
        // only finds contacts that existed before; one this run created carries our external_id and was found above,
        // and a create that collides anyway gets a 409 naming the contact to adopt.
        Interlocked.Increment(ref _lookups);
        var byLink = IntercomSearchQuery.Field("custom_attributes." + _linkAttribute, "=", draft.CustomerId);
        var query = draft.Email == null
                        ? byLink
                        : IntercomSearchQuery.Or(byLink, IntercomSearchQuery.Field("email", "=", draft.Email));
        var found = (await _client.SearchContactsAsync(query, IntercomClient.MaxPageSize, null, cancellationToken)
                         .ConfigureAwait(false))
                        .Contacts.ToList();
        // Contacts this run wrote are not searchable yet; the index knows them (without their attributes).
        if (draft.Email != null)
        {
            foreach (var written in _index.FindByEmail(draft.Email).Where(c => found.All(f => f.Id != c.Id)))
            {
                found.Add(written);
            }
        }

        var carrying = found.FirstOrDefault(c => LinkOf(c) == draft.CustomerId);
        if (carrying != null)
        {
            return ContactMatch.Existing(
                await WithAttributesAsync(carrying, cancellationToken).ConfigureAwait(false), ContactMatchedBy.Link);
        }

        if (draft.Email == null)
        {
            return ContactMatch.None;
        }

        var byEmail = MatchByEmail(draft, found, id => LinkOf(found.First(x => x.Id == id)));
        return byEmail.Contact == null
                   ? byEmail
                   : ContactMatch.Existing(
                       await WithAttributesAsync(byEmail.Contact, cancellationToken).ConfigureAwait(false),
                       byEmail.MatchedBy);
    }

    /// <summary>The user whose external_id this is, asked of Intercom (a lookup, not a search: it does not
    /// lag).</summary>
    public async Task<IntercomContact?> FindUserByExternalIdAsync(
        string externalId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        var contact = await _client.FindContactByExternalIdAsync(externalId, cancellationToken).ConfigureAwait(false);
        return contact != null && contact.IsUser ? contact : null;
    }

    /// <summary>The Stripe customer a contact carries (its link attribute), or null.</summary>
    public string? LinkOf(IntercomContact contact) => _index.LinkOf(contact) ?? _index.LinkOf(contact.Id);

    /// <summary>A contact this run wrote: known from now on, whatever a list read earlier says.</summary>
    public void RecordOwnWrite(IntercomContact contact, string? customerId) => _index.RecordOwnWrite(
        contact, customerId);

    /// <summary>A contact found unchanged: keep knowing it, drop its attributes.</summary>
    public void RecordChecked(IntercomContact contact) => _index.RecordChecked(contact);

    /// <summary>A contact that no longer exists (merged away or archived).</summary>
    public void Remove(string contactId) => _index.Remove(contactId);

    /// <summary>The index keeps contacts it has seen written or checked without attributes; diffing needs them
    /// back.</summary>
    public async Task<IntercomContact> WithAttributesAsync(IntercomContact contact, CancellationToken cancellationToken)
    {
        if (!contact.IsIdentityOnly)
        {
            return contact;
        }

        Interlocked.Increment(ref _lookups);
        return await _client.GetContactAsync(contact.Id, cancellationToken).ConfigureAwait(false);
    }

    private ContactMatch MatchByEmail(
        ContactDraft draft, IEnumerable<IntercomContact> contacts, Func<string, string?> linkOf)
    {
        var sameEmail
            = contacts.Where(c => string.Equals(c.Email, draft.Email, StringComparison.OrdinalIgnoreCase)).ToList();
        var users = sameEmail.Where(c => c.IsUser).ToList();
        var carryingOthers = users.Where(c => linkOf(c.Id) is string link && link != draft.CustomerId).ToList();
        if (carryingOthers.Count > 0)
        {
            return ContactMatch.Shared(carryingOthers);
        }

        if (users.Count == 1)
        {
            return ContactMatch.Existing(users[0], ContactMatchedBy.Email);
        }
        // Several people's users share the email: guessing could give one person another's billing, so a human decides.
        if (users.Count > 1)
        {
            return ContactMatch.Conflict(users.Select(c => c.Id).ToList());
        }

        if (!_mergeLeads)
        {
            return ContactMatch.None;
        }

        var leads = sameEmail.Where(c => c.IsLead && c.ExternalId == null).ToList();
        if (leads.Count == 1)
        {
            return ContactMatch.Existing(leads[0], ContactMatchedBy.Lead);
        }

        return leads.Count == 0 ? ContactMatch.None : ContactMatch.Conflict(leads.Select(c => c.Id).ToList());
    }

    private async Task<bool> IsIndexUsableAsync(CancellationToken cancellationToken)
    {
        switch (_mode)
        {
            case ContactLookupMode.PerCustomer:
                return false;
            case ContactLookupMode.Bulk:
                if (!_indexComplete)
                {
                    await ReadIndexAsync(firstPageOnly: false, cancellationToken).ConfigureAwait(false);
                }

                return true;
            default:
                if (_indexComplete)
                {
                    return true;
                }

                if (!_firstPageRead)
                {
                    await ReadIndexAsync(firstPageOnly: true, cancellationToken).ConfigureAwait(false);
                }

                if (_indexComplete)
                {
                    return true;
                }

                if (Volatile.Read(ref _lookups) < Volatile.Read(ref _bulkPages))
                {
                    return false;
                }

                await ReadIndexAsync(firstPageOnly: false, cancellationToken).ConfigureAwait(false);
                return true;
        }
    }

    private async Task ReadIndexAsync(bool firstPageOnly, CancellationToken cancellationToken)
    {
        await _indexGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        // The index serves the whole run, not the customer whose lookup happened to start reading it: log it as the
        // run's.
        using var runWide = CustomerScope.Begin(null);
        try
        {
            if (_indexComplete)
            {
                return;
            }

            if (!_firstPageRead)
            {
                var first = await _client.ListContactsPageAsync(IntercomClient.MaxPageSize, null, cancellationToken)
                                .ConfigureAwait(false);
                foreach (var contact in first.Contacts)
                {
                    _index.AddListed(contact);
                }

                _nextPageCursor = first.NextCursor;
                Volatile.Write(ref _bulkPages,
                    Math.Max(1, (first.TotalCount + IntercomClient.MaxPageSize - 1) / IntercomClient.MaxPageSize));
                _firstPageRead = true;
                if (_nextPageCursor == null) { _indexComplete = true; return; }
            }
            if (firstPageOnly)
            {
                return;
            }
            // The cursor survives a cancelled read, so a later call resumes instead of starting over.
            while (_nextPageCursor != null)
            {
                var page = await _client
                               .ListContactsPageAsync(IntercomClient.MaxPageSize, _nextPageCursor, cancellationToken)
                               .ConfigureAwait(false);
                foreach (var contact in page.Contacts)
                {
                    _index.AddListed(contact);
                }

                _nextPageCursor = page.NextCursor;
            }
            _indexComplete = true;
            _logger.LogInformation("Indexed {Count} Intercom contacts", _index.Count);
        }
        finally
        {
            _indexGate.Release();
        }
    }
}
