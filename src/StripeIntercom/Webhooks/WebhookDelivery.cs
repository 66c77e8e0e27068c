using System;
using Stripe;
using StripeIntercom.Events;

namespace StripeIntercom.Webhooks;

/// <summary>A verified Stripe webhook delivery, reduced to what the sync needs to schedule work.</summary>
public sealed class WebhookDelivery
{
    public WebhookDelivery(string eventId, string type, DateTimeOffset created, string? customerId, bool isRelevant,
        Event? stripeEvent = null)
    {
        StripeEvent = stripeEvent;
        EventId = eventId;
        Type = type;
        Created = created;
        CustomerId = customerId;
        IsRelevant = isRelevant;
    }

    public string EventId { get; }
    public string Type { get; }
    public DateTimeOffset Created { get; }

    /// <summary>The customer the event is about, or null when it names none.</summary>
    public string? CustomerId { get; }

    /// <summary>
    /// True when the type is one the sync follows (see <c>CustomerEventTypes</c>) and the event names a
    /// customer: only then is there a contact to refresh.
    /// </summary>
    public bool IsRelevant { get; }

    /// <summary>The verified event, kept for a billing event (-SyncEvents) whose payload becomes the data
    /// event.</summary>
    public Event? StripeEvent { get; }

    public bool IsBillingEvent => BillingEventTypes.IsBillingType(Type);

    public override string ToString() => $"{EventId} {Type} {CustomerId ?? "(no customer)"}";
}
