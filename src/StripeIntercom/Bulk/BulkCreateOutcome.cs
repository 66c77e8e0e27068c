using StripeIntercom.Intercom;

namespace StripeIntercom.Bulk;

/// <summary>What became of a create given to <see cref="BulkContactWriter"/>.</summary>
public sealed class BulkCreateOutcome
{
    /// <summary>Not made by a job: the caller writes it one by one.</summary>
    public static readonly BulkCreateOutcome WriteOneByOne = new BulkCreateOutcome(false, null);

    /// <summary>
    /// Made by a job that created every item as written, and not looked up afterwards, so its Intercom id is unknown.
    /// </summary>
    public static readonly BulkCreateOutcome CreatedUnlooked = new BulkCreateOutcome(true, null);

    private BulkCreateOutcome(bool created, IntercomContact? contact)
    {
        Created = created;
        Contact = contact;
    }

    /// <summary>The contact holding the write's external_id, found after the job: made by it, or by another writer
    /// first (the caller compares).</summary>
    public static BulkCreateOutcome Found(IntercomContact contact) => new BulkCreateOutcome(true, contact);

    /// <summary>A contact holds the write's external_id; false when the caller is to create it.</summary>
    public bool Created { get; }

    /// <summary>That contact, when it was looked up.</summary>
    public IntercomContact? Contact { get; }
}
