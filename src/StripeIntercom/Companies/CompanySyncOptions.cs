using System;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Companies;

/// <summary>How the company sync names, reads and writes companies.</summary>
public sealed class CompanySyncOptions
{
    /// <summary>
    /// The Stripe metadata key holding the app's own account id, used as the company_id (so the companies the app's
    /// Messenger already created are updated, never duplicated). Customers without it, or when null, use their
    /// Stripe customer id. A company_id can never change in Intercom.
    /// </summary>
    public string? CompanyIdMetadataKey { get; set; }

    /// <summary>Write nothing; results still say what would be created, changed and attached.</summary>
    public bool WhatIf { get; set; }

    /// <summary>Write every field even when Intercom already holds the same values.</summary>
    public bool Force { get; set; }

    /// <summary>Create missing company data attributes before the first write.</summary>
    public bool InitializeAttributes { get; set; } = true;

    /// <summary>
    /// What a deleted customer does to its company: Mark (and Archive, since companies are never deleted) sets
    /// stripe_deleted once every customer of the company is deleted, and drops the customer from a company that
    /// still has live ones; Ignore leaves the company alone.
    /// </summary>
    public DeletedCustomerAction DeletedCustomerAction { get; set; } = DeletedCustomerAction.Mark;

    /// <summary>Companies synced at a time.</summary>
    public int ThrottleLimit { get; set; } = 8;

    /// <summary>
    /// Bulk reads every company once (GET /companies/scroll); PerCustomer finds each company by company_id; Auto
    /// (the default) reads in bulk when the run covers every customer or names more than <see cref="BulkThreshold"/>
    /// companies.
    /// </summary>
    public ContactLookupMode LookupMode { get; set; } = ContactLookupMode.Auto;

    /// <summary>Above this many companies, Auto reads them in bulk.</summary>
    public int BulkThreshold { get; set; } = 200;

    /// <summary>The company_id a live customer's company has: metadata[<see cref="CompanyIdMetadataKey"/>], else the
    /// customer id.</summary>
    public string CompanyIdFor(CustomerProfile profile)
    {
        if (profile == null)
        {
            throw new ArgumentNullException(nameof(profile));
        }

        if (CompanyIdMetadataKey != null && profile.Metadata != null
            && profile.Metadata.TryGetValue(CompanyIdMetadataKey, out var value) && !string.IsNullOrWhiteSpace(value))
        {
            return value.Trim();
        }

        return profile.Id;
    }
}
