using System.Collections.Generic;
using StripeIntercom.Intercom;

namespace StripeIntercom.Sync;

/// <summary>What identity resolution found for a draft.</summary>
internal sealed class ContactMatch
{
    public static readonly ContactMatch None = new ContactMatch(null, null, ContactMatchedBy.None, null);

    private ContactMatch(IntercomContact? contact, IReadOnlyList<string>? candidates, ContactMatchedBy matchedBy, IReadOnlyList<IntercomContact>? sharedEmail)
    {
        Contact = contact;
        Candidates = candidates;
        MatchedBy = matchedBy;
        SharedEmail = sharedEmail;
    }

    public IntercomContact? Contact { get; }

    /// <summary>For a conflict: the ids of the contacts that could each be the customer.</summary>
    public IReadOnlyList<string>? Candidates { get; }

    public ContactMatchedBy MatchedBy { get; }

    /// <summary>Users with the customer's email that carry another Stripe customer: the siblings decide which contact
    /// is whose.</summary>
    public IReadOnlyList<IntercomContact>? SharedEmail { get; }

    public static ContactMatch Existing(IntercomContact contact, ContactMatchedBy matchedBy) => new ContactMatch(contact, null, matchedBy, null);

    public static ContactMatch Conflict(IReadOnlyList<string> candidates) => new ContactMatch(null, candidates, ContactMatchedBy.None, null);

    public static ContactMatch Shared(IReadOnlyList<IntercomContact> holders) => new ContactMatch(null, null, ContactMatchedBy.None, holders);
}
