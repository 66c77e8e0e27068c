using System.Linq;
using StripeIntercom.Companies;
using StripeIntercom.Events;

namespace StripeIntercom.Sync;

/// <summary>
/// What a result says to a person: under -WhatIf whether it is a write and its target and action lines, the warning
/// for a conflict, the message of a failure. The module's cmdlets write these; nothing here knows about PowerShell.
/// </summary>
public static class SyncResultText
{
    private const int NamedFields = 4;

    /// <summary>A planned write (-WhatIf) that deserves a What if line: created, updated or archived.</summary>
    public static bool IsPlannedWrite(SyncResult result) =>
        result.WhatIf
        && (result.Action == SyncAction.Created || result.Action == SyncAction.Updated
            || result.Action == SyncAction.Archived);

    public static string Target(SyncResult result) => result.ContactId is null
        ? $"Stripe customer {result.CustomerId} ({result.Email})"
        : $"Intercom contact {result.ContactId} for Stripe customer {result.CustomerId}";

    /// <summary>An update names each change; a new contact, which sets every field, names the fields only.</summary>
    public static string Action(SyncResult result)
    {
        if (result.Changes.Count == 0)
        {
            return result.Action.ToString();
        }

        if (result.Action != SyncAction.Created)
        {
            return $"{result.Action}: " + string.Join("; ", result.Changes.Select(c => c.ToString()));
        }

        var names = string.Join(", ", result.Changes.Take(NamedFields).Select(c => c.Name));
        return result.Changes.Count > NamedFields
            ? $"Create with {result.Changes.Count} fields: {names} and {result.Changes.Count - NamedFields} more"
            : $"Create with {names}";
    }

    public static string FailureMessage(SyncResult result) =>
        result.Error ?? $"Stripe customer {result.CustomerId} could not be synced.";

    public static string ConflictWarning(SyncResult result) =>
        $"Stripe customer {result.CustomerId} ({result.Email}) matches several Intercom contacts "
        + $"({string.Join(", ", result.Candidates)}); nothing was written for it.";

    /// <summary>A planned company write (-WhatIf): anything but unchanged or skipped.</summary>
    public static bool IsPlannedWrite(CompanySyncResult result) =>
        result.WhatIf && result.Action != CompanySyncAction.Unchanged && result.Action != CompanySyncAction.Skipped;

    public static string Target(CompanySyncResult result)
    {
        var customers = string.Join(", ", result.CustomerIds);
        return result.IntercomCompanyId is null
            ? $"Intercom company {result.CompanyId} (new) for Stripe customer(s) {customers}"
            : $"Intercom company {result.IntercomCompanyId} ({result.CompanyId}) for Stripe customer(s) {customers}";
    }

    public static string Action(CompanySyncResult result) =>
        $"{result.Action}: " + string.Join("; ", result.Changes.Select(c => c.ToString()));

    public static string FailureMessage(CompanySyncResult result) =>
        result.Error ?? $"Intercom company {result.CompanyId} could not be synced.";

    public static string Target(BillingEventResult result) =>
        $"contact {result.ContactId ?? "(to be created)"} of {result.CustomerId}";

    public static string Action(BillingEventResult result) =>
        $"Send event {result.EventName} ({result.StripeEventId}, {result.CreatedAt:u})";

    /// <summary>Why an event was not sent, and what happens to it next.</summary>
    public static string NotSentMessage(BillingEventResult result) =>
        $"Billing event {result.StripeEventId} ({result.EventName}) of {result.CustomerId} was not sent "
        + $"({result.Action}): {result.Error}"
        + (result.Action == BillingEventAction.Failed ? " The next state-file run with -SyncEvents sends it." : "");
}
