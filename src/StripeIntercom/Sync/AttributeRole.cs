namespace StripeIntercom.Sync;

/// <summary>What the sync relies on an attribute for, beyond showing it to agents.</summary>
public enum AttributeRole
{
    /// <summary>Shown to agents; the sync does not read it back.</summary>
    Plain,

    /// <summary>The Stripe customer the contact carries: how a contact the app created is found again (always
    /// synced).</summary>
    CustomerLink,

    /// <summary>The other Stripe customers with the same email, which the contact does not carry.</summary>
    OtherCustomers,
}
