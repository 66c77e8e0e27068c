using System.Collections.Generic;
using Stripe;

namespace StripeIntercom.Incremental;

/// <summary>What the event stream says changed since a cursor.</summary>
public sealed class ChangedCustomers
{
    public ChangedCustomers(IReadOnlyList<ChangedCustomer> customers, EventCursor newCursor, int eventsRead,
        bool cursorTooOld, IReadOnlyList<Event>? billingEvents = null)
    {
        BillingEvents = billingEvents ?? new List<Event>();
        Customers = customers;
        NewCursor = newCursor;
        EventsRead = eventsRead;
        CursorTooOld = cursorTooOld;
    }

    /// <summary>Distinct customers, oldest change first.</summary>
    public IReadOnlyList<ChangedCustomer> Customers { get; }

    /// <summary>
    /// The newest event read (or the old cursor when nothing happened). Save it only after every
    /// customer in <see cref="Customers"/> was synced, or the next run would skip the failures.
    /// </summary>
    public EventCursor NewCursor { get; }

    /// <summary>The billing events read (only when asked for), oldest first.</summary>
    public IReadOnlyList<Event> BillingEvents { get; }

    /// <summary>All events read, relevant or not.</summary>
    public int EventsRead { get; }

    /// <summary>
    /// The cursor is too close to Stripe's 30-day event retention to trust that no event was lost:
    /// nothing was read, and the caller must run a full sync instead.
    /// </summary>
    public bool CursorTooOld { get; }
}
