using System;
using System.Collections.Generic;

namespace StripeIntercom.Sync;

/// <summary>What one run did, for runbooks and schedules: counts per action, API calls and time.</summary>
public sealed class SyncSummary
{
    private readonly List<string> _failedCustomers = new List<string>();
    private readonly List<string> _conflictCustomers = new List<string>();
    private readonly List<string> _failedCompanies = new List<string>();

    /// <summary>Full, Incremental, or Resumed (a full sync continued from its checkpoint).</summary>
    public string Mode { get; set; } = "Full";
    public bool WhatIf { get; set; }
    public DateTimeOffset StartedAt { get; set; } = DateTimeOffset.Now;
    public TimeSpan Duration { get; set; }

    public int Customers { get; private set; }
    public int Created { get; private set; }
    public int Updated { get; private set; }
    public int Unchanged { get; private set; }
    public int Skipped { get; private set; }
    public int Conflict { get; private set; }
    public int Failed { get; private set; }
    public int Archived { get; private set; }

    /// <summary>Companies written or checked by the run's company phase (-SyncCompany); 0 without it.</summary>
    public int Companies { get; private set; }
    public int CompaniesCreated { get; private set; }
    public int CompaniesUpdated { get; private set; }
    public int CompaniesUnchanged { get; private set; }
    public int CompaniesSkipped { get; private set; }
    public int CompaniesFailed { get; private set; }
    public IReadOnlyList<string> FailedCompanies => _failedCompanies;

    /// <summary>Billing events (-SyncEvents): sent (or would be under -WhatIf), sent nowhere for want of a contact
    /// or as too old, and failed (a state-file run retries these).</summary>
    public int EventsSent { get; private set; }
    public int EventsNotSent { get; private set; }
    public int EventsFailed { get; private set; }

    public long StripeCalls { get; set; }
    public long IntercomCalls { get; set; }
    public long IntercomWrites { get; set; }
    public long Retries { get; set; }
    public long ThrottledResponses { get; set; }

    public double StripeCallsPerCustomer => Customers == 0 ? 0 : Math.Round((double)StripeCalls / Customers, 4);
    public double IntercomCallsPerCustomer => Customers == 0 ? 0 : Math.Round((double)IntercomCalls / Customers, 4);

    /// <summary>True when every customer was synced (or deliberately skipped): the run's exit status.</summary>
    public bool Succeeded => Failed == 0 && Conflict == 0 && CompaniesFailed == 0 && EventsFailed == 0 && !Stopped;

    public IReadOnlyList<string> FailedCustomers => _failedCustomers;
    public IReadOnlyList<string> ConflictCustomers => _conflictCustomers;

    /// <summary>Why the run did what it did when that is not obvious (for example a fall-back to a full
    /// sync).</summary>
    public string? Note { get; set; }

    /// <summary>True when the run ended early (stopped on request, a rejected credential, an outage).</summary>
    public bool Stopped { get; private set; }

    /// <summary>What stopped the run, how many customers finished, and what the next run does about the rest.</summary>
    public string? StopReason { get; set; }

    /// <summary>Customers submitted whose sync did not finish because the run stopped.</summary>
    public int Unfinished { get; private set; }

    public void MarkStopped(string reason, int unfinished)
    {
        Stopped = true;
        StopReason = reason;
        Unfinished = unfinished;
    }

    public void Add(SyncResult result)
    {
        Customers++;
        switch (result.Action)
        {
            case SyncAction.Created: Created++; break;
            case SyncAction.Updated: Updated++; break;
            case SyncAction.Unchanged: Unchanged++; break;
            case SyncAction.Skipped: Skipped++; break;
            case SyncAction.Archived: Archived++; break;
            case SyncAction.Conflict:
                Conflict++;
                _conflictCustomers.Add(result.CustomerId);
                break;
            case SyncAction.Failed:
                Failed++;
                _failedCustomers.Add(result.CustomerId);
                break;
        }
    }

    public void AddEvent(Events.BillingEventResult result)
    {
        switch (result.Action)
        {
            case Events.BillingEventAction.Sent or Events.BillingEventAction.WouldSend: EventsSent++; break;
            case Events.BillingEventAction.Failed: EventsFailed++; break;
            default: EventsNotSent++; break;
        }
    }

    public void AddCompany(Companies.CompanySyncResult result)
    {
        Companies++;
        switch (result.Action)
        {
            case StripeIntercom.Companies.CompanySyncAction.Created: CompaniesCreated++; break;
            case StripeIntercom.Companies.CompanySyncAction.Updated: CompaniesUpdated++; break;
            case StripeIntercom.Companies.CompanySyncAction.Unchanged: CompaniesUnchanged++; break;
            case StripeIntercom.Companies.CompanySyncAction.Skipped: CompaniesSkipped++; break;
            case StripeIntercom.Companies.CompanySyncAction.Failed:
                CompaniesFailed++;
                _failedCompanies.Add(result.CompanyId);
                break;
        }
    }

    public override string ToString() =>
        $"{Mode}{(WhatIf ? " (WhatIf)" : "")}: {Customers} customers, "
        + $"{Created} created, {Updated} updated, {Unchanged} unchanged, "
        + $"{Skipped} skipped, {Conflict} conflicts, {Failed} failed, {Archived} archived"
        + (Companies > 0
            ? $"; {Companies} companies, {CompaniesCreated} created, {CompaniesUpdated} updated, "
                + $"{CompaniesUnchanged} unchanged, {CompaniesFailed} failed"
            : "")
        + $" in {Duration.TotalSeconds:0.0} s; "
        + $"Stripe {StripeCalls} calls, Intercom {IntercomCalls} calls ({IntercomWrites} writes), {Retries} retries"
        + (Stopped ? $". {StopReason}" : "");
}
