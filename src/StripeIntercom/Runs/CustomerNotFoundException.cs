using System;

namespace StripeIntercom.Runs;

/// <summary>Stripe knows no customer with this id (a deleted customer is still known, and reported as
/// deleted).</summary>
public sealed class CustomerNotFoundException : Exception
{
    public CustomerNotFoundException(string customerId)
        : base($"Stripe customer '{customerId}' does not exist.")
    {
        CustomerId = customerId;
    }

    public string CustomerId { get; }
}
