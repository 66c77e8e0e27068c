using System;

namespace StripeIntercom.Incremental;

/// <summary>
/// A customer touched by at least one event since the cursor. Only the id: the caller re-reads the
/// customer from Stripe, because an event's snapshot may already be outdated.
/// </summary>
public sealed class ChangedCustomer
{
    public ChangedCustomer(string id, bool deleted, DateTimeOffset latestEventAt)
    {
        Id = id;
        Deleted = deleted;
        LatestEventAt = latestEventAt;
    }

    public string Id { get; }

    /// <summary>True when customer.deleted is its last lifecycle event (no customer.created after it).</summary>
    public bool Deleted { get; }

    public DateTimeOffset LatestEventAt { get; }

    public override string ToString() => Deleted ? $"{Id} (deleted)" : Id;
}
