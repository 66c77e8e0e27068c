namespace StripeIntercom.Sync;

public sealed class SyncOptions
{
    /// <summary>Write nothing; results still say what would be created or changed.</summary>
    public bool WhatIf { get; set; }

    /// <summary>Write every field even when Intercom already holds the same values.</summary>
    public bool Force { get; set; }

    public ContactLookupMode LookupMode { get; set; } = ContactLookupMode.Auto;

    /// <summary>One request per contact, or bulk jobs (<see cref="ContactWriteMode"/>).</summary>
    public ContactWriteMode WriteMode { get; set; } = ContactWriteMode.Auto;

    /// <summary>Create missing data attributes before the first write.</summary>
    public bool InitializeAttributes { get; set; } = true;

    /// <summary>
    /// The Stripe customer metadata key that holds the app's own user id, which is the contact's external_id; the
    /// customer id when null or when a customer lacks it. Overrides the attribute map's.
    /// </summary>
    public string? ExternalIdMetadataKey { get; set; }

    /// <summary>Take a lead with the customer's email (convert it, or merge it into a new user). Off: leads are
    /// unverified.</summary>
    public bool MergeLeads { get; set; }

    /// <summary>What happens to the contact of a customer deleted in Stripe.</summary>
    public DeletedCustomerAction DeletedCustomerAction { get; set; } = DeletedCustomerAction.Mark;
}
