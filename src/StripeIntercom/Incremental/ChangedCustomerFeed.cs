using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Stripe;

namespace StripeIntercom.Incremental;

/// <summary>
/// Turns the Stripe events since a cursor into the distinct customers that need a re-read.
/// </summary>
/// <remarks>
/// The events are listed unfiltered and filtered here by <see cref="CustomerEventTypes"/>, rather than
/// with <c>types[]</c>: the event names that matter (customer, subscription, discount, invoice and
/// payment method events) are more than the 20 <c>types[]</c> accepts, and splitting them over several
/// listings would give each listing its own "newest event", so no single cursor would be safe to save.
/// Prefixes also keep working when Stripe adds event names. The cost is paging over unrelated events,
/// 100 per request, bounded by the time since the last run.
/// </remarks>
public sealed class ChangedCustomerFeed
{
    /// <summary>Stripe keeps events for 30 days.</summary>
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(30);

    /// <summary>Events that become visible later than this after their creation are not waited for.</summary>
    public static readonly TimeSpan DefaultLookBack = TimeSpan.FromMinutes(5);

    private const int PageSize = 100;

    private readonly EventService _events;
    private readonly TimeSpan _safetyMargin;
    private readonly TimeSpan _lookBack;
    private readonly Func<DateTimeOffset> _utcNow;

    /// <param name="client">The Stripe client, built by the caller over the module's HttpClient.</param>
    /// <param name="safetyMargin">
    /// How far inside the 30-day retention a cursor must be to be trusted (default one day): a run that
    /// lists events right at the edge could lose the oldest ones to expiry while paging.
    /// </param>
    /// <param name="utcNow">The clock; tests pass a fixed one.</param>
    /// <param name="lookBack">How far before the cursor events are listed again (default
    /// <see cref="DefaultLookBack"/>).</param>
    public ChangedCustomerFeed(IStripeClient client, TimeSpan? safetyMargin = null, Func<DateTimeOffset>? utcNow = null,
        TimeSpan? lookBack = null)
    {
        _lookBack = lookBack ?? DefaultLookBack;
        if (client == null)
        {
            throw new ArgumentNullException(nameof(client));
        }

        _events = new EventService(client);
        _safetyMargin = safetyMargin ?? TimeSpan.FromDays(1);
        _utcNow = utcNow ?? (() => DateTimeOffset.UtcNow);
    }

    /// <summary>How far before its cursor a run lists events again, for events that became visible late.</summary>
    public TimeSpan LookBack => _lookBack;

    /// <summary>True when events since <paramref name="cursor"/> may already have expired at Stripe.</summary>
    public bool IsTooOld(EventCursor cursor) =>
        cursor.CreatedAt < _utcNow() - (EventRetention - _safetyMargin);

    /// <summary>
    /// Lists every event created since <see cref="LookBack"/> before the cursor, skips the ones the cursor already
    /// processed, and reduces the rest to customer ids.
    /// </summary>
    /// <remarks>
    /// Stripe's event list is eventually consistent, and its times are whole seconds: an event can become visible
    /// after newer ones, and one change often raises several events in the same second. Re-reading a window behind
    /// the cursor finds those; the ids the cursor remembers for that window make sure none is read twice.
    /// </remarks>
    /// <param name="collectBillingEvents">Also keep the billing events (<see cref="Events.BillingEventTypes"/>)
    /// read, and count their customers as changed.</param>
    public async Task<ChangedCustomers> ReadSinceAsync(EventCursor cursor,
        CancellationToken cancellationToken = default, bool collectBillingEvents = false)
    {
        if (cursor == null)
        {
            throw new ArgumentNullException(nameof(cursor));
        }

        if (IsTooOld(cursor))
        {
            return new ChangedCustomers(Array.Empty<ChangedCustomer>(), cursor, 0, cursorTooOld: true);
        }

        var lookBackSeconds = (long)_lookBack.TotalSeconds;
        var options = new EventListOptions
        {
            Limit = PageSize,
            Created = new DateRangeOptions
            {
                GreaterThanOrEqual = DateTimeOffset.FromUnixTimeSeconds(
                cursor.Created - lookBackSeconds).UtcDateTime
            },
        };

        var reducer = new CustomerEventReducer();
        var billingEvents = new List<Event>();
        var seen = new Dictionary<string, long>(cursor.RecentEvents, StringComparer.Ordinal);
        string? newestId = null;
        var newestCreated = cursor.Created;
        var eventsRead = 0;
        while (true)
        {
            var page = await _events.ListAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var stripeEvent in page.Data)
            {
                var created = ToUnixSeconds(stripeEvent.Created);
                if (created > newestCreated || (newestId == null && created == newestCreated))
                {
                    newestCreated = created;
                    newestId = stripeEvent.Id;
                }

                if (cursor.Covers(stripeEvent.Id))
                {
                    continue;
                }

                seen[stripeEvent.Id] = created;
                eventsRead++;
                var billing = collectBillingEvents && Events.BillingEventTypes.IsBillingType(stripeEvent.Type);
                if (billing)
                {
                    billingEvents.Add(stripeEvent);
                }

                if (billing || CustomerEventTypes.IsRelevant(stripeEvent.Type))
                {
                    reducer.AddNewerFirst(stripeEvent.Type, EventCustomerId.FromEvent(stripeEvent),
                        DateTimeOffset.FromUnixTimeSeconds(created));
                }
            }

            if (!page.HasMore || page.Data.Count == 0)
            {
                break;
            }

            options.StartingAfter = page.Data[page.Data.Count - 1].Id;
        }

        var newCursor = new EventCursor(newestCreated, newestId ?? cursor.EventId);
        foreach (var id in cursor.EventIdsAtCreated.Where(id => cursor.Created >= newestCreated - lookBackSeconds))
        {
            seen[id] = cursor.Created;
        }

        foreach (var pair in seen.Where(p => p.Value >= newestCreated - lookBackSeconds))
        {
            newCursor.RecentEvents[pair.Key] = pair.Value;
        }

        // Listed newest first; sent oldest first. Within one second Stripe's list order is the only order there is.
        billingEvents.Reverse();
        return new ChangedCustomers(reducer.Customers(), newCursor, eventsRead, cursorTooOld: false, billingEvents);
    }

    /// <summary>
    /// The cursor to save when a full sync starts: the newest event now, so the first incremental run
    /// after it replays whatever changed while the full sync was running.
    /// </summary>
    public async Task<EventCursor> CaptureCursorAsync(CancellationToken cancellationToken = default)
    {
        var page = await _events.ListAsync(new EventListOptions { Limit = PageSize },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var newest = page.Data.FirstOrDefault();
        if (newest != null)
        {
            var cursor = new EventCursor(ToUnixSeconds(newest.Created), newest.Id);
            // Events before the full sync are covered by it: remembering them keeps the first incremental run from
            // re-reading their customers.
            foreach (
                var stripeEvent in page.Data.Where(e =>
                ToUnixSeconds(e.Created) >= cursor.Created - (long)_lookBack.TotalSeconds))
            {
                cursor.RecentEvents[stripeEvent.Id] = ToUnixSeconds(stripeEvent.Created);
            }

            return cursor;
        }

        // No event at all: fall back to our clock, set back a little in case it runs ahead of Stripe's.
        return new EventCursor((_utcNow() - TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(), null);
    }

    private static long ToUnixSeconds(DateTime created) =>
        new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)).ToUnixTimeSeconds();
}
