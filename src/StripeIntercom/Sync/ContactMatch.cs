using System.Collections.Generic;
using StripeIntercom.Intercom;

namespace StripeIntercom.Sync
{
    /// <summary>What identity resolution found for a draft: its contact, no contact, or several that could each be it.</summary>
    internal sealed class ContactMatch
    {
        public static readonly ContactMatch None = new ContactMatch(null, null);

        private ContactMatch(IntercomContact? contact, IReadOnlyList<string>? candidates)
        {
            Contact = contact;
            Candidates = candidates;
        }

        public IntercomContact? Contact { get; }

        /// <summary>For a conflict: the ids of the contacts that could each be the customer.</summary>
        public IReadOnlyList<string>? Candidates { get; }

        public static ContactMatch Existing(IntercomContact contact) => new ContactMatch(contact, null);

        public static ContactMatch Conflict(IReadOnlyList<string> candidates) => new ContactMatch(null, candidates);
    }
}
