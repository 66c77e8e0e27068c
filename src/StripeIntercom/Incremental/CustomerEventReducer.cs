using System;
using System.Collections.Generic;
using System.Linq;

namespace StripeIntercom.Incremental;

/// <summary>
/// Folds events, fed newest first as Stripe lists them, into one entry per customer. Keeps one small
/// record per customer, never the events, so a month of events costs memory per customer only.
/// </summary>
internal sealed class CustomerEventReducer
{
    private readonly Dictionary<string, Entry> _entries = new Dictionary<string, Entry>(StringComparer.Ordinal);

    public void AddNewerFirst(string eventType, string? customerId, DateTimeOffset createdAt)
    {
        if (customerId == null)
        {
            return;
        }

        if (!_entries.TryGetValue(customerId, out var entry))
        {
            entry = new Entry(_entries.Count);
            _entries.Add(customerId, entry);
        }

        if (createdAt > entry.LatestEventAt)
        {
            entry.LatestEventAt = createdAt;
        }

        // Newest first: the first lifecycle event met is the last one that happened, and it decides.
        if (!entry.LifecycleDecided)
        {
            if (eventType == CustomerEventTypes.CustomerDeleted)
            {
                entry.Deleted = true;
                entry.LifecycleDecided = true;
            }
            else if (eventType == CustomerEventTypes.CustomerCreated)
            {
                entry.LifecycleDecided = true;
            }
        }
    }

    public IReadOnlyList<ChangedCustomer> Customers() =>
        _entries
            .OrderBy(pair => pair.Value.LatestEventAt)
            .ThenByDescending(pair => pair.Value.FirstSeen)
            .Select(pair => new ChangedCustomer(pair.Key, pair.Value.Deleted, pair.Value.LatestEventAt))
            .ToList();

    private sealed class Entry
    {
        public Entry(int firstSeen)
        {
            FirstSeen = firstSeen;
            LatestEventAt = DateTimeOffset.MinValue;
        }

        public int FirstSeen { get; }
        public DateTimeOffset LatestEventAt { get; set; }
        public bool Deleted { get; set; }
        public bool LifecycleDecided { get; set; }
    }
}
