using System;
using StripeIntercom.Companies;
using StripeIntercom.Events;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>
/// Who is told a run's results: each customer's in input order, then each company's in company_id order. Called from
/// the run's threads one at a time; keep them quick (PowerShell queues them for its pipeline thread).
/// </summary>
public sealed class SyncRunReporting
{
    public static readonly SyncRunReporting None = new SyncRunReporting(null, null);

    public SyncRunReporting(Action<SyncResult>? customerReported, Action<CompanySyncResult>? companyReported = null,
        Action<BillingEventResult>? eventReported = null)
    {
        CustomerReported = customerReported;
        CompanyReported = companyReported;
        EventReported = eventReported;
    }

    public Action<SyncResult>? CustomerReported { get; }
    public Action<CompanySyncResult>? CompanyReported { get; }

    /// <summary>Told each billing event's result (-SyncEvents), per customer in Stripe's order, after the
    /// companies.</summary>
    public Action<BillingEventResult>? EventReported { get; }
}
