using System;

namespace StripeIntercom.Stripe;

/// <summary>Which customers <see cref="StripeCustomerReader.ReadAsync"/> yields. All filters combine (and).</summary>
public sealed class CustomerQuery
{
    /// <summary>Exact, case-sensitive match, as Stripe's list filter does it.</summary>
    public string? Email { get; set; }

    /// <summary>Customers created strictly after this moment (Stripe created[gt]).</summary>
    public DateTimeOffset? CreatedAfter { get; set; }

    /// <summary>Customers created strictly before this moment (Stripe created[lt]).</summary>
    public DateTimeOffset? CreatedBefore { get; set; }

    /// <summary>Stop after this many profiles; pages are sized so nothing beyond them is read.</summary>
    public int? First { get; set; }

    /// <summary>
    /// Also yield deleted customers (<see cref="CustomerProfile.Deleted"/> = true) after the live ones. Stripe lists
    /// never contain deleted customers, so these come from customer.deleted events, which Stripe keeps for 30 days
    /// only: customers deleted longer ago are not reported.
    /// </summary>
    public bool IncludeDeleted { get; set; }

    /// <summary>Continue after this customer id (Stripe lists newest first): how a checkpointed full sync
    /// resumes.</summary>
    public string? StartingAfter { get; set; }

    /// <summary>
    /// When <see cref="StartingAfter"/>'s customer no longer exists, continue with the customers created at or before
    /// this moment (its creation time) instead; from the start when unknown.
    /// </summary>
    public DateTimeOffset? StartingAfterCreated { get; set; }

    /// <summary>Every live customer; a fresh instance each time, so callers cannot change it for others.</summary>
    public static CustomerQuery All => new CustomerQuery();
}
