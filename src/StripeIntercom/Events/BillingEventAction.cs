namespace StripeIntercom.Events;

public enum BillingEventAction
{
    /// <summary>Sent to the customer's contact (Intercom ignores it if it already had it).</summary>
    Sent,
    /// <summary>-WhatIf: would be sent.</summary>
    WouldSend,
    /// <summary>The customer has no contact the sync could find (or several): reported, sent nowhere.</summary>
    NoContact,
    /// <summary>Older than Stripe's 30-day event window by the time it was retried: dropped.</summary>
    Expired,
    /// <summary>Not sent; a state-file run keeps it on its retry list.</summary>
    Failed,
}
