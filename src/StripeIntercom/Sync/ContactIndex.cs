using System;
using System.Collections.Generic;
using System.Linq;
using StripeIntercom.Intercom;

namespace StripeIntercom.Sync
{
    /// <summary>
    /// Contacts by id, external_id and email, read in bulk and kept current with our own writes. A listed copy never
    /// replaces one we wrote ourselves: the list may have been read before our write landed.
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
                Put(contact);
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
            if (_byId.TryGetValue(contact.Id, out var previous))
            {
                if (previous.ExternalId != null && _idByExternalId.TryGetValue(previous.ExternalId, out var holder) && holder == previous.Id)
                    _idByExternalId.Remove(previous.ExternalId);
                if (previous.Email != null && _idsByEmail.TryGetValue(previous.Email, out var ids)) ids.Remove(previous.Id);
            }
            _byId[contact.Id] = contact;
            if (contact.ExternalId != null) _idByExternalId[contact.ExternalId] = contact.Id;
            if (contact.Email != null)
            {
                if (!_idsByEmail.TryGetValue(contact.Email, out var ids)) _idsByEmail[contact.Email] = ids = new HashSet<string>(StringComparer.Ordinal);
                ids.Add(contact.Id);
            }
        }
    }
}
