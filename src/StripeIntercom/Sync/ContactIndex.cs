using System;
using System.Collections.Generic;
using System.Linq;
using StripeIntercom.Intercom;

namespace StripeIntercom.Sync
{
    /// <summary>
    /// Contacts by id, external_id and email, read in bulk and kept current with our own writes. A listed copy never
    /// replaces one we wrote ourselves: the list may have been read before our write landed. Contacts this run has
    /// already written or checked are kept without their attributes (a customer rarely comes round twice in a run,
    /// and the synchronizer re-reads one that does), so memory follows the contacts still to check, not all of them.
    /// </summary>
    internal sealed class ContactIndex
    {
        private readonly object _gate = new object();
        private readonly Dictionary<string, IntercomContact> _byId = new Dictionary<string, IntercomContact>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _idByExternalId = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<string>> _idsByEmail = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _ownWrites = new HashSet<string>(StringComparer.Ordinal);

        public int Count { get { lock (_gate) return _byId.Count; } }

        public void AddListed(IntercomContact contact)
        {
            lock (_gate)
            {
                if (_ownWrites.Contains(contact.Id)) return;
                Put(contact);
            }
        }

        public void RecordOwnWrite(IntercomContact contact)
        {
            lock (_gate)
            {
                _ownWrites.Add(contact.Id);
                Put(contact.WithoutAttributes());
            }
        }

        /// <summary>A contact found unchanged: keep knowing it, drop its attributes.</summary>
        public void RecordChecked(IntercomContact contact)
        {
            lock (_gate)
            {
                if (_byId.TryGetValue(contact.Id, out var held) && ReferenceEquals(held, contact)) _byId[contact.Id] = contact.WithoutAttributes();
            }
        }

        /// <summary>Forgets a contact that no longer exists (merged away).</summary>
        public void Remove(string id)
        {
            lock (_gate)
            {
                if (!_byId.TryGetValue(id, out var contact)) return;
                Unlink(contact);
                _byId.Remove(id);
            }
        }

        public IntercomContact? FindByExternalId(string externalId)
        {
            lock (_gate)
                return _idByExternalId.TryGetValue(externalId, out var id) ? _byId[id] : null;
        }

        public IReadOnlyList<IntercomContact> FindByEmail(string email)
        {
            lock (_gate)
                return _idsByEmail.TryGetValue(email, out var ids) ? ids.Select(id => _byId[id]).ToList() : (IReadOnlyList<IntercomContact>)Array.Empty<IntercomContact>();
        }

        private void Put(IntercomContact contact)
        {
            if (_byId.TryGetValue(contact.Id, out var previous)) Unlink(previous);
            _byId[contact.Id] = contact;
            if (contact.ExternalId != null) _idByExternalId[contact.ExternalId] = contact.Id;
            if (contact.Email != null)
            {
                if (!_idsByEmail.TryGetValue(contact.Email, out var ids)) _idsByEmail[contact.Email] = ids = new HashSet<string>(StringComparer.Ordinal);
                ids.Add(contact.Id);
            }
        }

        private void Unlink(IntercomContact contact)
        {
            if (contact.ExternalId != null && _idByExternalId.TryGetValue(contact.ExternalId, out var holder) && holder == contact.Id)
                _idByExternalId.Remove(contact.ExternalId);
            if (contact.Email != null && _idsByEmail.TryGetValue(contact.Email, out var ids)) ids.Remove(contact.Id);
        }
    }
}
