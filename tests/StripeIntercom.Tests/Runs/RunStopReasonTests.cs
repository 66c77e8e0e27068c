using StripeIntercom.Intercom;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;
using Xunit;

namespace StripeIntercom.Tests.Runs;

/// <summary><see cref="RunStopReason"/>: the one error a stopped run ends with, by what stopped it.</summary>
public class RunStopReasonTests
{
    [Fact]
    public void Rejected_credentials_say_which_and_what_to_do_even_when_wrapped()
    {
        var wrapped = new InvalidOperationException("outer", new StripeCredentialsException());

        var stripe = RunStopReason.Of(wrapped);
        var intercom = RunStopReason.Of(new IntercomAuthenticationException(null, "Unauthorized", null));

        Assert.Equal(RunStopKind.CredentialsRejected, stripe.Kind);
        Assert.Equal("StripeKeyRejected", stripe.ErrorId);
        Assert.Contains("Check the key and connect again.", stripe.Message);
        Assert.IsType<StripeCredentialsException>(stripe.Cause);
        Assert.Equal("IntercomTokenRejected", intercom.ErrorId);
    }

    [Fact]
    public void Anything_else_is_a_plain_stop_naming_the_error()
    {
        var reason = RunStopReason.Of(new InvalidOperationException("disk full"));

        Assert.Equal(RunStopKind.Stopped, reason.Kind);
        Assert.Equal("SyncStopped", reason.ErrorId);
        Assert.Equal("The run was stopped: disk full", reason.Message);
        Assert.Null(reason.Target);
    }

    [Fact]
    public void A_failed_customer_names_it_and_counts_what_was_done()
    {
        var failed = new CustomerSyncFailedException(new SyncResult
        {
            CustomerId = "cus_9",
            Action = SyncAction.Failed,
            Error = "Intercom said no.",
        });

        var summary = new SyncSummary();
        summary.Add(new SyncResult { CustomerId = "cus_9", Action = SyncAction.Failed });

        var reason = RunStopReason.FailedCustomer(failed, summary, "Next time: resume.");

        Assert.Equal(RunStopKind.CustomerFailed, reason.Kind);
        Assert.Equal("cus_9", reason.Target);
        Assert.Contains("after 1 customer reported. Next time: resume.", reason.Message);
    }
}
