using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Stripe;

namespace StripeIntercom.Incremental
{
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

        private const int PageSize = 100;

        private readonly EventService _events;
        private readonly TimeSpan _safetyMargin;
        private readonly Func<DateTimeOffset> _utcNow;

        /// <param name="client">The Stripe client, built by the caller over the module's HttpClient.</param>
        /// <param name="safetyMargin">
        /// How far inside the 30-day retention a cursor must be to be trusted (default one day): a run that
        /// lists events right at the edge could lose the oldest ones to expiry while paging.
        /// </param>
        /// <param name="utcNow">The clock; tests pass a fixed one.</param>
        public ChangedCustomerFeed(IStripeClient client, TimeSpan? safetyMargin = null, Func<DateTimeOffset>? utcNow = null)
        {
            if (client == null) throw new ArgumentNullException(nameof(client));
            _events = new EventService(client);
            _safetyMargin = safetyMargin ?? TimeSpan.FromDays(1);
            _utcNow = utcNow ?? (() => DateTimeOffset.UtcNow);
        }

        /// <summary>True when events since <paramref name="cursor"/> may already have expired at Stripe.</summary>
        public bool IsTooOld(EventCursor cursor) =>
            cursor.CreatedAt < _utcNow() - (EventRetention - _safetyMargin);

        /// <summary>
        /// Lists every event created at or after the cursor's second and reduces them to customer ids.
        /// </summary>
        /// <remarks>
        /// <c>created[gte]</c>, not <c>gt</c>: Stripe times are whole seconds and one change often raises
        /// several events in the same second, some of which may not have been listed by the previous run.
        /// The events of that second the previous run did process are skipped by id.
        /// </remarks>
        public async Task<ChangedCustomers> ReadSinceAsync(EventCursor cursor, CancellationToken cancellationToken = default)
        {
            if (cursor == null) throw new ArgumentNullException(nameof(cursor));
            if (IsTooOld(cursor))
            {
                return new ChangedCustomers(Array.Empty<ChangedCustomer>(), cursor, 0, cursorTooOld: true);
            }

            var options = new EventListOptions
            {
                Limit = PageSize,
                Created = new DateRangeOptions { GreaterThanOrEqual = cursor.CreatedAt.UtcDateTime },
            };

            var reducer = new CustomerEventReducer();
            EventCursor? newest = null;
            var eventsRead = 0;
            while (true)
            {
                var page = await _events.ListAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var stripeEvent in page.Data)
                {
                    // Stripe lists newest first, so the first event of the first page is the new cursor.
                    var created = ToUnixSeconds(stripeEvent.Created);
                    if (newest == null)
                    {
                        newest = new EventCursor(created, stripeEvent.Id);
                    }

                    if (created == newest.Created)
                    {
                        newest.EventIdsAtCreated.Add(stripeEvent.Id);
                    }

                    if (cursor.Covers(stripeEvent.Id))
                    {
                        continue;
                    }

                    eventsRead++;
                    if (CustomerEventTypes.IsRelevant(stripeEvent.Type))
                    {
                        reducer.AddNewerFirst(stripeEvent.Type, EventCustomerId.FromEvent(stripeEvent), DateTimeOffset.FromUnixTimeSeconds(ToUnixSeconds(stripeEvent.Created)));
                    }
                }

                if (!page.HasMore || page.Data.Count == 0)
                {
                    break;
                }

                options.StartingAfter = page.Data[page.Data.Count - 1].Id;
            }

            if (newest != null && newest.Created == cursor.Created)
            {
                // Nothing newer than the cursor's second: keep what it already covered.
                newest.EventIdsAtCreated.AddRange(cursor.EventIdsAtCreated.Where(id => !newest.EventIdsAtCreated.Contains(id)));
            }

            return new ChangedCustomers(reducer.Customers(), newest ?? cursor, eventsRead, cursorTooOld: false);
        }

        /// <summary>
        /// The cursor to save when a full sync starts: the newest event now, so the first incremental run
        /// after it replays whatever changed while the full sync was running.
        /// </summary>
        public async Task<EventCursor> CaptureCursorAsync(CancellationToken cancellationToken = default)
        {
            var page = await _events.ListAsync(new EventListOptions { Limit = PageSize }, cancellationToken: cancellationToken).ConfigureAwait(false);
            var newest = page.Data.FirstOrDefault();
            if (newest != null)
            {
                var cursor = new EventCursor(ToUnixSeconds(newest.Created), newest.Id);
                cursor.EventIdsAtCreated.AddRange(page.Data.Where(e => ToUnixSeconds(e.Created) == cursor.Created).Select(e => e.Id));
                return cursor;
            }

            // No event at all: fall back to our clock, set back a little in case it runs ahead of Stripe's.
            return new EventCursor((_utcNow() - TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(), null);
        }

        private static long ToUnixSeconds(DateTime created) =>
            new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)).ToUnixTimeSeconds();
    }
}
