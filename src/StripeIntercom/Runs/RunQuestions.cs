using System;
using System.Globalization;

namespace StripeIntercom.Runs;

/// <summary>
/// What a run says before it starts (under -Confirm: the description, or with <c>question</c> the question asked) and,
/// when it stopped at its first failed customer, what the next run will do.
/// </summary>
public static class RunQuestions
{
    /// <summary>A full run without a state file: the count is not known before the customers are read, so it says
    /// what the run covers.</summary>
    public static string FullRun(DateTime? createdAfter, string workspace, bool question)
    {
        var scope = createdAfter is { } after
            ? $"the Stripe customers created after {after.ToString("u", CultureInfo.InvariantCulture)}"
            : "every Stripe customer";
        return question
            ? $"Sync {scope} (a full sync; the number is known only once they are read) into Intercom {workspace}?"
            : $"Syncing {scope} (a full sync without -Incremental) into Intercom {workspace}.";
    }

    /// <summary>"Sync 1,204 customers into workspace Acme (US)?" for an incremental run; what a full or resumed run
    /// covers otherwise.</summary>
    public static string StateFileRun(RunStart start, string workspace, bool question)
    {
        var what = start.Customers is int count
            ? $"{count.ToString("N0", CultureInfo.InvariantCulture)} changed Stripe customer{(count == 1 ? "" : "s")} "
              + "(incremental run)"
            : start.Mode == "Resumed"
                ? "the rest of an interrupted full sync (every Stripe customer after its checkpoint; the number is "
                  + "known only once they are read)"
                : "every Stripe customer (a full sync; the number is known only once they are read)";
        return question
            ? $"Sync {what} into Intercom {workspace}? {start.Reason}"
            : $"Syncing {what} into Intercom {workspace}. {start.Reason}";
    }

    /// <summary>One webhook delivery's customer.</summary>
    public static string WebhookDelivery(string customerId, string eventId, string eventType, string workspace,
        bool question)
    {
        var what = $"Stripe customer {customerId} (event {eventId}, {eventType}) into Intercom {workspace}";
        return question ? $"Sync {what}?" : $"Syncing {what}.";
    }

    /// <summary>What the next run does after a run stopped at its first failed customer (-ErrorAction Stop).</summary>
    public static string NextRunAfterStop(bool incremental, bool whatIf, string? nextRun) =>
        !incremental
            ? "A run without -Incremental keeps no state: the next one syncs every customer again, and the ones "
              + "already up to date cost no write."
            : whatIf
                ? "Under -WhatIf the state file was left as it was."
                : $"The state file was saved before stopping. {nextRun}";
}
