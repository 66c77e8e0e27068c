namespace StripeIntercom.Sync;

/// <summary>What a sync does with the Intercom contact of a customer deleted in Stripe.</summary>
public enum DeletedCustomerAction
{
    /// <summary>Keep the contact, set stripe_deleted and clear the subscription fields (the profile has
    /// none).</summary>
    Mark,
    /// <summary>Archive the contact.</summary>
    Archive,
    /// <summary>Leave the contact as it is.</summary>
    Ignore,
}
