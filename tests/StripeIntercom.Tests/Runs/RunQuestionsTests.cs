using StripeIntercom.Runs;
using Xunit;

namespace StripeIntercom.Tests.Runs;

/// <summary>
/// <see cref="RunQuestions"/>: what -Confirm says before a run, and what a stopped run says of the next.
/// </summary>
public class RunQuestionsTests
{
    [Fact]
    public void An_incremental_run_counts_its_customers_and_gives_its_reason()
    {
        var start = new RunStart("Incremental", "Events since the last run.", 1204);

        Assert.Equal(
            "Sync 1,204 changed Stripe customers (incremental run) into Intercom workspace Acme? "
            + "Events since the last run.",
            RunQuestions.StateFileRun(start, "workspace Acme", question: true));
        Assert.StartsWith(
            "Syncing 1 changed Stripe customer (incremental run) into",
            RunQuestions.StateFileRun(new RunStart("Incremental", "", 1), "w", question: false));
    }

    [Fact]
    public void A_full_or_resumed_run_says_what_it_covers()
    {
        Assert.StartsWith(
            "Sync the rest of an interrupted full sync",
            RunQuestions.StateFileRun(new RunStart("Resumed", "", null), "w", question: true));
        Assert.Equal(
            "Syncing the Stripe customers created after 2026-01-02 03:04:05Z (a full sync without -Incremental) "
            + "into Intercom w.",
            RunQuestions.FullRun(new DateTime(2026, 1, 2, 3, 4, 5), "w", question: false));
        Assert.Equal(
            "Sync Stripe customer cus_1 (event evt_1, customer.updated) into Intercom w?",
            RunQuestions.WebhookDelivery("cus_1", "evt_1", "customer.updated", "w", question: true));
    }

    [Theory]
    [InlineData(false, false, "A run without -Incremental keeps no state")]
    [InlineData(true, true, "Under -WhatIf the state file was left as it was.")]
    [InlineData(true, false, "The state file was saved before stopping. Next: resume.")]
    public void A_stopped_run_says_what_the_next_one_does(bool incremental, bool whatIf, string expected)
    {
        Assert.StartsWith(expected, RunQuestions.NextRunAfterStop(incremental, whatIf, "Next: resume."));
    }
}
