namespace StripeIntercom.Sync;

/// <summary>How the synchronizer finds the contact that may already exist for a customer.</summary>
public enum ContactLookupMode
{
    /// <summary>Per-customer lookups while they are cheaper than reading every contact, then one bulk read.</summary>
    Auto,
    /// <summary>find_by_external_id, then search by email: best for a handful of customers in a big
    /// workspace.</summary>
    PerCustomer,
    /// <summary>Read every contact once (pages of 150) into an index: best for full syncs.</summary>
    Bulk,
}
