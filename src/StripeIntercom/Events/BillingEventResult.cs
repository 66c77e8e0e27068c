using System;

namespace StripeIntercom.Events;

/// <summary>What became of one Stripe event on its way to the contact's timeline.</summary>
public sealed class BillingEventResult
{
    public string StripeEventId { get; set; } = "";
    public string StripeType { get; set; } = "";

    /// <summary>The Intercom event name sent (after any -EventName rename).</summary>
    public string EventName { get; set; } = "";
    public string? CustomerId { get; set; }
    public string? ContactId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public BillingEventAction Action { get; set; }

    /// <summary>Why it was not sent, for NoContact, Expired and Failed.</summary>
    public string? Error { get; set; }
    public Exception? Exception { get; set; }

    public override string ToString() => $"{StripeEventId} {EventName} {Action}";
}
