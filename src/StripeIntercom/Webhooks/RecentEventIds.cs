using System;
using System.Collections.Generic;

namespace StripeIntercom.Webhooks;

/// <summary>
/// The last N event ids seen, to drop Stripe's at-least-once redeliveries with bounded memory.
/// Not thread-safe: the processor calls it under its lock.
/// </summary>
internal sealed class RecentEventIds
{
    private readonly int _capacity;
    private readonly HashSet<string> _ids = new HashSet<string>(StringComparer.Ordinal);
    private readonly Queue<string> _order = new Queue<string>();

    public RecentEventIds(int capacity)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity));
        }

        _capacity = capacity;
    }

    public int Count => _ids.Count;

    /// <summary>Remembers the id; false when it was already remembered.</summary>
    public bool Add(string eventId)
    {
        if (!_ids.Add(eventId))
        {
            return false;
        }

        _order.Enqueue(eventId);
        if (_order.Count > _capacity)
        {
            _ids.Remove(_order.Dequeue());
        }

        return true;
    }
}
