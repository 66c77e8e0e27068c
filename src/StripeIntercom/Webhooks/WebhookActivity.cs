using System;
using System.Collections.Generic;
using StripeIntercom.Events;
using StripeIntercom.Sync;

namespace StripeIntercom.Webhooks;

/// <summary>One thing the webhook processor or listener did, for logs and cmdlet output.</summary>
public sealed class WebhookActivity
{
    public WebhookActivity(
        WebhookActivityKind kind,
        string? customerId,
        string? eventId = null,
        string? eventType = null,
        SyncResult? result = null,
        Exception? error = null,
        string? detail = null)
    {
        Kind = kind;
        CustomerId = customerId;
        EventId = eventId;
        EventType = eventType;
        Result = result;
        Error = error;
        Detail = detail;
        At = DateTimeOffset.UtcNow;
    }

    public WebhookActivityKind Kind { get; }
    public string? CustomerId { get; }

    /// <summary>The delivery that caused this, for delivery-level kinds (not for Synced/Failed).</summary>
    public string? EventId { get; }
    public string? EventType { get; }

    public SyncResult? Result { get; }
    public Exception? Error { get; }

    /// <summary>A short human explanation (why dropped, why rejected).</summary>
    public string? Detail { get; }

    public DateTimeOffset At { get; }

    /// <summary>The billing events sent (or not) after this customer's sync (-SyncEvents).</summary>
    public IReadOnlyList<BillingEventResult> Events { get; internal set; } = Array.Empty<BillingEventResult>();

    public override string ToString() =>
        $"{Kind} {CustomerId ?? "-"} {EventId ?? ""} {Detail ?? Error?.Message ?? Result?.Action.ToString() ?? ""}"
            .TrimEnd();
}
