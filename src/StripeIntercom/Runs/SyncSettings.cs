using System;
using System.Collections.Generic;
using StripeIntercom.Bulk;
using StripeIntercom.Companies;
using StripeIntercom.Events;
using StripeIntercom.Resilience;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>
/// Every setting of a sync, in one place: what is written (the attribute map), how customers are matched to contacts,
/// whether companies follow, and how the run behaves. Built by <see cref="SyncSettingsReader"/> from cmdlet parameters,
/// a .psd1 or a .json settings file alike; <see cref="SyncJob"/> takes it and derives what each part needs.
/// </summary>
public sealed class SyncSettings
{
    public const int DefaultThrottleLimit = 8;

    /// <summary>The contact attributes: the catalog, selected and renamed, plus computed ones.</summary>
    public AttributeMap Map { get; set; } = AttributeMap.Default;

    /// <summary>Computed attributes for companies (a computed attribute's Model Company or Both).</summary>
    public IReadOnlyList<AttributeDefinition> CompanyComputedAttributes { get; set; }
    = Array.Empty<AttributeDefinition>();

    /// <summary>Plans only: nothing is written, the state file included.</summary>
    public bool WhatIf { get; set; }

    /// <summary>Writes every attribute even where Intercom already holds the value.</summary>
    public bool Force { get; set; }

    /// <summary>How contacts are found: Auto decides by the run (<see cref="LookupFor"/>).</summary>
    public ContactLookupMode LookupMode { get; set; } = ContactLookupMode.Auto;

    /// <summary>How contacts are written: Auto goes bulk in a full run with a few hundred writes or more.</summary>
    public ContactWriteMode WriteMode { get; set; } = ContactWriteMode.Auto;

    /// <summary>Batching, polling and stall limits of bulk writes.</summary>
    public BulkWriteOptions BulkWrites { get; set; } = new BulkWriteOptions();

    public DeletedCustomerAction DeletedCustomerAction { get; set; } = DeletedCustomerAction.Mark;

    /// <summary>The Stripe metadata key whose value is the app's own user id (Intercom's external_id).</summary>
    public string? ExternalIdMetadataKey { get; set; }

    /// <summary>Turns a matching lead into the user instead of creating a second contact.</summary>
    public bool MergeLeads { get; set; }

    /// <summary>-SyncCompany: after the customers, the companies they name.</summary>
    public bool SyncCompanies { get; set; }

    /// <summary>The Stripe metadata key whose value is the company_id; needs <see cref="SyncCompanies"/>.</summary>
    public string? CompanyIdMetadataKey { get; set; }

    /// <summary>How many customers (and companies) are synced at a time.</summary>
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

    /// <summary>A tighter Intercom budget (calls per 10 s) for a workspace shared with other apps.</summary>
    public int? MaxRequestsPerWindow { get; set; }

    /// <summary>Stops the run at its first failed customer (-ErrorAction Stop), after saving its state.</summary>
    public bool StopOnFailure { get; set; }

    /// <summary>Send billing moments (Stripe events) to the contacts' timelines as Intercom data events.</summary>
    public bool SyncEvents { get; set; }

    /// <summary>The Intercom name of each billing event (-EventName renames and drops).</summary>
    public BillingEventNames EventNames { get; set; } = BillingEventNames.Default;

    /// <summary>
    /// The lookup a run uses: Auto reads every contact once for a run over all customers (or a large share of them) and
    /// looks each customer up for a run that names a few (incremental runs, webhooks, piped input).
    /// </summary>
    public ContactLookupMode LookupFor(bool coversAllCustomers) =>
        LookupMode == ContactLookupMode.Auto && coversAllCustomers ? ContactLookupMode.Bulk : LookupMode;

    /// <summary>
    /// True when contacts may be written in bulk: Bulk, or Auto in a run that reads every contact (a full sync; the
    /// writer then waits for <see cref="BulkWriteOptions.AutoThreshold"/> writes). Never under -WhatIf.
    /// </summary>
    public bool MayWriteInBulk =>
        !WhatIf && (WriteMode == ContactWriteMode.Bulk
            || (WriteMode == ContactWriteMode.Auto && LookupMode == ContactLookupMode.Bulk));

    public SyncOptions ContactOptions(ContactLookupMode lookupMode) => new SyncOptions
    {
        WhatIf = WhatIf,
        Force = Force,
        LookupMode = lookupMode,
        WriteMode = WriteMode,
        DeletedCustomerAction = DeletedCustomerAction,
        ExternalIdMetadataKey = ExternalIdMetadataKey,
        MergeLeads = MergeLeads,
    };

    /// <summary>Companies follow the run's -WhatIf, -Force, lookup and deleted-customer action.</summary>
    public CompanySyncOptions CompanyOptions(ContactLookupMode lookupMode, int throttleLimit) => new CompanySyncOptions
    {
        WhatIf = WhatIf,
        Force = Force,
        CompanyIdMetadataKey = CompanyIdMetadataKey,
        DeletedCustomerAction = DeletedCustomerAction,
        ThrottleLimit = throttleLimit,
        LookupMode = lookupMode,
    };

    /// <summary>The company map: the company-worthy attributes of <see cref="Map"/> and the company computed
    /// ones.</summary>
    public AttributeMap CompanyMap() => CompanyAttributes.From(Map, CompanyComputedAttributes);

    /// <summary>The run's Intercom budget: the connection's (null), or <see cref="MaxRequestsPerWindow"/> per 10
    /// s.</summary>
    public RateLimitBudget? IntercomBudget() =>
        MaxRequestsPerWindow is int limit ? new RateLimitBudget(limit, TimeSpan.FromSeconds(10)) : null;
}
