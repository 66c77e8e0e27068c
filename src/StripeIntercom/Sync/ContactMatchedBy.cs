namespace StripeIntercom.Sync;

/// <summary>How a customer's contact was found (or why there was none).</summary>
public enum ContactMatchedBy
{
    /// <summary>No contact: nothing was written, or the customer failed before one was looked up.</summary>
    None,

    /// <summary>The contact whose external_id is the customer's (the app's user id from metadata, else the customer
    /// id).</summary>
    ExternalId,

    /// <summary>The contact already carrying this Stripe customer (its stripe_customer_id names it).</summary>
    Link,

    /// <summary>The one user with the customer's email, adopted: its external_id, email and name are left as they
    /// are.</summary>
    Email,

    /// <summary>A lead with the customer's email, converted and merged (-MergeLeads).</summary>
    Lead,

    /// <summary>The contact of another Stripe customer with the same email, which ranks better and which the contact
    /// carries.</summary>
    Sibling,

    /// <summary>A new user was created.</summary>
    Created,
}
