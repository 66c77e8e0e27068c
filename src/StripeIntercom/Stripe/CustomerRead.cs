namespace StripeIntercom.Stripe;

/// <summary>One customer asked of Stripe: its id, and its profile, or null when Stripe has no such customer.</summary>
public sealed class CustomerRead
{
    public CustomerRead(string id, CustomerProfile? profile)
    {
        Id = id;
        Profile = profile;
    }

    public string Id { get; }

    public CustomerProfile? Profile { get; }
}
