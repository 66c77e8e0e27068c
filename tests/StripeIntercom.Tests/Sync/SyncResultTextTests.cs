using StripeIntercom.Companies;
using StripeIntercom.Sync;
using Xunit;

namespace StripeIntercom.Tests.Sync;

/// <summary><see cref="SyncResultText"/>: the What if lines, warnings and failure messages the cmdlets write.</summary>
public class SyncResultTextTests
{
    private static AttributeChange[] Changes(int count) =>
        Enumerable.Range(1, count).Select(i => new AttributeChange($"field{i}", null, i)).ToArray();

    [Fact]
    public void A_new_contact_names_its_first_four_fields_and_counts_the_rest()
    {
        var result = new SyncResult { CustomerId = "cus_1", Email = "a@example.com", Action = SyncAction.Created };

        result.Changes = Changes(6);
        Assert.Equal("Create with 6 fields: field1, field2, field3, field4 and 2 more", SyncResultText.Action(result));
        result.Changes = Changes(2);
        Assert.Equal("Create with field1, field2", SyncResultText.Action(result));
        Assert.Equal("Stripe customer cus_1 (a@example.com)", SyncResultText.Target(result));
    }

    [Fact]
    public void An_update_names_each_change_and_its_contact()
    {
        var result = new SyncResult
        {
            CustomerId = "cus_1",
            ContactId = "c1",
            Action = SyncAction.Updated,
            Changes = new[] { new AttributeChange("plan", "basic", "pro") },
        };

        Assert.Equal("Updated: plan: basic -> pro", SyncResultText.Action(result));
        Assert.Equal("Intercom contact c1 for Stripe customer cus_1", SyncResultText.Target(result));
    }

    [Theory]
    [InlineData(SyncAction.Created, true, true)]
    [InlineData(SyncAction.Archived, true, true)]
    [InlineData(SyncAction.Unchanged, true, false)]
    [InlineData(SyncAction.Updated, false, false)]
    public void Only_writes_planned_under_WhatIf_are_planned_writes(SyncAction action, bool whatIf, bool expected)
    {
        Assert.Equal(expected, SyncResultText.IsPlannedWrite(new SyncResult { Action = action, WhatIf = whatIf }));
    }

    [Fact]
    public void Failures_and_conflicts_say_which_customer()
    {
        var failed = new SyncResult { CustomerId = "cus_1", Action = SyncAction.Failed };
        var conflict = new SyncResult
        {
            CustomerId = "cus_2",
            Email = "b@example.com",
            Action = SyncAction.Conflict,
            Candidates = new[] { "c1", "c2" },
        };

        Assert.Equal("Stripe customer cus_1 could not be synced.", SyncResultText.FailureMessage(failed));
        Assert.Equal(
            "Stripe customer cus_2 (b@example.com) matches several Intercom contacts (c1, c2); "
            + "nothing was written for it.",
            SyncResultText.ConflictWarning(conflict));
    }

    [Fact]
    public void A_company_names_its_Intercom_id_when_it_has_one()
    {
        var company = new CompanySyncResult
        {
            CompanyId = "acme",
            Action = CompanySyncAction.Created,
            WhatIf = true,
            CustomerIds = new[] { "cus_1", "cus_2" },
        };

        Assert.True(SyncResultText.IsPlannedWrite(company));
        Assert.Equal("Intercom company acme (new) for Stripe customer(s) cus_1, cus_2", SyncResultText.Target(company));
        company.IntercomCompanyId = "ic_9";
        Assert.Equal("Intercom company ic_9 (acme) for Stripe customer(s) cus_1, cus_2",
            SyncResultText.Target(company));
        Assert.Equal("Intercom company acme could not be synced.", SyncResultText.FailureMessage(company));
    }

    [Fact]
    public void A_billing_event_names_its_contact_and_says_whether_the_next_run_sends_it()
    {
        var result = new StripeIntercom.Events.BillingEventResult
        {
            StripeEventId = "evt_1",
            EventName = "stripe-payment-failed",
            CustomerId = "cus_1",
            CreatedAt = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000),
            Action = StripeIntercom.Events.BillingEventAction.Failed,
            Error = "Intercom answered 500.",
        };

        Assert.Equal("contact (to be created) of cus_1", SyncResultText.Target(result));
        Assert.Equal("Send event stripe-payment-failed (evt_1, 2026-11-18 11:06:40Z)", SyncResultText.Action(result));
        Assert.EndsWith("The next state-file run with -SyncEvents sends it.", SyncResultText.NotSentMessage(result));
        result.Action = StripeIntercom.Events.BillingEventAction.NoContact;
        Assert.Equal("Billing event evt_1 (stripe-payment-failed) of cus_1 was not sent (NoContact): Intercom answered "
            + "500.", SyncResultText.NotSentMessage(result));
    }
}
