using System;
using System.Collections.Generic;
using System.Linq;

namespace StripeIntercom.Events;

/// <summary>The Stripe event types that become data events on the customer's Intercom contact.</summary>
public static class BillingEventTypes
{
    public const string InvoicePaymentFailed = "invoice.payment_failed";
    public const string InvoicePaid = "invoice.paid";
    public const string SubscriptionCreated = "customer.subscription.created";
    public const string SubscriptionUpdated = "customer.subscription.updated";
    public const string SubscriptionDeleted = "customer.subscription.deleted";
    public const string TrialWillEnd = "customer.subscription.trial_will_end";
    public const string ChargeRefunded = "charge.refunded";
    public const string DisputeCreated = "charge.dispute.created";

    /// <summary>Each type with the default event name(s) it becomes, in the order the README lists them.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> DefaultNames = new[]
    {
        Pair(InvoicePaymentFailed, "stripe-payment-failed"),
        Pair(InvoicePaid, "stripe-payment-recovered"),
        Pair(InvoicePaid, "stripe-invoice-paid"),
        Pair(SubscriptionCreated, "stripe-subscription-started"),
        Pair(SubscriptionUpdated, "stripe-subscription-changed"),
        Pair(SubscriptionDeleted, "stripe-subscription-canceled"),
        Pair(TrialWillEnd, "stripe-trial-ending"),
        Pair(ChargeRefunded, "stripe-charge-refunded"),
        Pair(DisputeCreated, "stripe-dispute-opened"),
    };

    public static IEnumerable<string> All => DefaultNames.Select(p => p.Key).Distinct();

    public static bool IsBillingType(string? eventType) =>
        eventType != null && DefaultNames.Any(p => string.Equals(p.Key, eventType, StringComparison.Ordinal));

    private static KeyValuePair<string, string> Pair(string type, string name) =>
        new KeyValuePair<string, string>(type, name);
}
