using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using StripeIntercom.Intercom;

namespace StripeIntercom.Sync
{
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
        private readonly ContactIndex _index = new ContactIndex();
        private readonly SemaphoreSlim _indexGate = new SemaphoreSlim(1, 1);
        private volatile bool _indexComplete;
        private bool _firstPageRead;
        private string? _nextPageCursor;
        private int _bulkPages = int.MaxValue;
        private int _lookups;

        public ContactLookup(IntercomClient client, ContactLookupMode mode, ILogger logger)
        {
            _client = client;
            _mode = mode;
            _logger = logger;
        }

        /// <summary>Per-customer lookup calls made (find_by_external_id, email searches, re-reads of indexed contacts).</summary>
        public int LookupsSpent => Volatile.Read(ref _lookups);

        /// <summary>True once every contact has been read into the index.</summary>
        public bool IsIndexComplete => _indexComplete;

        public async Task<ContactMatch> ResolveAsync(ContactDraft draft, CancellationToken cancellationToken)
        {
            if (await IsIndexUsableAsync(cancellationToken).ConfigureAwait(false))
            {
                var indexed = _index.FindByExternalId(draft.ExternalId);
                if (indexed != null) return ContactMatch.Existing(await WithAttributesAsync(indexed, cancellationToken).ConfigureAwait(false));
                if (draft.Email == null) return ContactMatch.None;
                var match = MatchByEmail(draft, _index.FindByEmail(draft.Email));
                return match.Contact == null ? match : ContactMatch.Existing(await WithAttributesAsync(match.Contact, cancellationToken).ConfigureAwait(false));
            }

            Interlocked.Increment(ref _lookups);
            var byExternalId = await _client.FindContactByExternalIdAsync(draft.ExternalId, cancellationToken).ConfigureAwait(false);
            if (byExternalId != null) return ContactMatch.Existing(byExternalId);
            if (draft.Email == null) return ContactMatch.None;

            Interlocked.Increment(ref _lookups);
            var found = await _client.SearchContactsAsync(IntercomSearchQuery.Field("email", "=", draft.Email), IntercomClient.MaxPageSize, null, cancellationToken).ConfigureAwait(false);
            return MatchByEmail(draft, found.Contacts);
        }

        /// <summary>A contact this run wrote: known from now on, whatever a list read earlier says.</summary>
        public void RecordOwnWrite(IntercomContact contact) => _index.RecordOwnWrite(contact);

        /// <summary>A contact found unchanged: keep knowing it, drop its attributes.</summary>
        public void RecordChecked(IntercomContact contact) => _index.RecordChecked(contact);

        /// <summary>A contact that no longer exists (merged away or archived).</summary>
        public void Remove(string contactId) => _index.Remove(contactId);

        /// <summary>The index keeps contacts it has seen written or checked without attributes; diffing needs them back.</summary>
        private async Task<IntercomContact> WithAttributesAsync(IntercomContact contact, CancellationToken cancellationToken)
        {
            if (!contact.IsIdentityOnly) return contact;
            Interlocked.Increment(ref _lookups);
            return await _client.GetContactAsync(contact.Id, cancellationToken).ConfigureAwait(false);
        }

        private static ContactMatch MatchByEmail(ContactDraft draft, IEnumerable<IntercomContact> contacts)
        {
            var candidates = contacts.Where(c => string.Equals(c.Email, draft.Email, StringComparison.OrdinalIgnoreCase)).ToList();
            var ours = candidates.FirstOrDefault(c => c.ExternalId == draft.ExternalId);
            if (ours != null) return ContactMatch.Existing(ours);
            if (candidates.Count == 0) return ContactMatch.None;
            if (candidates.Count == 1 && candidates[0].ExternalId == null) return ContactMatch.Existing(candidates[0]);
            // Two anonymous contacts share the email, or it belongs to another customer's user: guessing could
            // merge two people's histories, so a human decides.
            return ContactMatch.Conflict(candidates.Select(c => c.Id).ToList());
        }

        private async Task<bool> IsIndexUsableAsync(CancellationToken cancellationToken)
        {
            switch (_mode)
            {
                case ContactLookupMode.PerCustomer:
                    return false;
                case ContactLookupMode.Bulk:
                    if (!_indexComplete) await ReadIndexAsync(firstPageOnly: false, cancellationToken).ConfigureAwait(false);
                    return true;
                default:
                    if (_indexComplete) return true;
                    if (!_firstPageRead) await ReadIndexAsync(firstPageOnly: true, cancellationToken).ConfigureAwait(false);
                    if (_indexComplete) return true;
                    if (Volatile.Read(ref _lookups) < Volatile.Read(ref _bulkPages)) return false;
                    await ReadIndexAsync(firstPageOnly: false, cancellationToken).ConfigureAwait(false);
                    return true;
            }
        }

        private async Task ReadIndexAsync(bool firstPageOnly, CancellationToken cancellationToken)
        {
            await _indexGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_indexComplete) return;
                if (!_firstPageRead)
                {
                    var first = await _client.ListContactsPageAsync(IntercomClient.MaxPageSize, null, cancellationToken).ConfigureAwait(false);
                    foreach (var contact in first.Contacts) _index.AddListed(contact);
                    _nextPageCursor = first.NextCursor;
                    Volatile.Write(ref _bulkPages, Math.Max(1, (first.TotalCount + IntercomClient.MaxPageSize - 1) / IntercomClient.MaxPageSize));
                    _firstPageRead = true;
                    if (_nextPageCursor == null) { _indexComplete = true; return; }
                }
                if (firstPageOnly) return;
                // The cursor survives a cancelled read, so a later call resumes instead of starting over.
                while (_nextPageCursor != null)
                {
                    var page = await _client.ListContactsPageAsync(IntercomClient.MaxPageSize, _nextPageCursor, cancellationToken).ConfigureAwait(false);
                    foreach (var contact in page.Contacts) _index.AddListed(contact);
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
}
