using System;

namespace StripeIntercom.Incremental;

/// <summary>
/// The Stripe event types that can change what an Intercom contact shows: customer.* (which covers
/// customer.subscription.* and customer.discount.*), invoice.* and payment_method.*.
/// </summary>
public static class CustomerEventTypes
{
    public const string CustomerCreated = "customer.created";
    public const string CustomerDeleted = "customer.deleted";

    private static readonly string[] RelevantPrefixes = { "customer.", "invoice.", "payment_method." };

    public static bool IsRelevant(string? eventType)
    {
        if (string.IsNullOrEmpty(eventType))
        {
            return false;
        }

        foreach (var prefix in RelevantPrefixes)
        {
            if (eventType!.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
