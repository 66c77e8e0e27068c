using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Stripe;
using StripeIntercom.Events;
using StripeIntercom.Sync;

namespace StripeIntercom.Webhooks;

public sealed class WebhookProcessorOptions
{
    /// <summary>Customers synced at the same time. Each sync is a few Stripe and Intercom calls.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>
    /// Customers waiting for a worker. Beyond it new customers are dropped (and reported): a burst that
    /// large is better served by the scheduled incremental run than by an unbounded queue.
    /// </summary>
    public int MaxPendingCustomers { get; set; } = 10_000;

    /// <summary>How many recent event ids are remembered to drop redeliveries.</summary>
    public int RememberedEventIds { get; set; } = 10_000;

    /// <summary>
    /// With -SyncEvents: sends a customer's billing events (the deliveries' verified Stripe events, in Stripe's
    /// order) after its sync, to the contact that sync found. Null: billing events are not sent.
    /// </summary>
    public Func<SyncResult, IReadOnlyList<Event>, CancellationToken, Task<IReadOnlyList<BillingEventResult>>>?
        SendEvents
    { get; set; }
}
