using System;
using System.Collections.Generic;

namespace StripeIntercom.Events;

/// <summary>
/// One Stripe event as the data event it becomes: built from the event's own payload only (what the object was when
/// the event happened), so a webhook delivery and a later scheduled run build the same body, and Intercom's
/// de-duplication absorbs the second.
/// </summary>
public sealed class BillingEvent
{
    public BillingEvent(string stripeEventId, string stripeType, string defaultName, string? customerId,
        long createdAt, IReadOnlyList<KeyValuePair<string, object?>> metadata, string? chargeId = null)
    {
        StripeEventId = stripeEventId ?? throw new ArgumentNullException(nameof(stripeEventId));
        StripeType = stripeType ?? throw new ArgumentNullException(nameof(stripeType));
        DefaultName = defaultName ?? throw new ArgumentNullException(nameof(defaultName));
        CustomerId = customerId;
        CreatedAt = createdAt;
        Metadata = metadata ?? Array.Empty<KeyValuePair<string, object?>>();
        ChargeId = chargeId;
    }

    public string StripeEventId { get; }
    public string StripeType { get; }

    /// <summary>The name before any -EventName rename ("stripe-payment-failed").</summary>
    public string DefaultName { get; }

    /// <summary>Null only for a dispute whose charge names no customer Stripe still has.</summary>
    public string? CustomerId { get; }

    /// <summary>The Stripe event's <c>created</c>, in Unix seconds: the data event's created_at.</summary>
    public long CreatedAt { get; }

    public IReadOnlyList<KeyValuePair<string, object?>> Metadata { get; }

    /// <summary>The disputed charge, through which a dispute's customer is found.</summary>
    public string? ChargeId { get; }

    public DateTimeOffset Created => DateTimeOffset.FromUnixTimeSeconds(CreatedAt);

    public override string ToString() => $"{StripeEventId} {DefaultName} {CustomerId ?? "(customer unknown)"}";
}
