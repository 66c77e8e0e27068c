using System;
using StripeIntercom.Intercom;
using StripeIntercom.Resilience;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>
/// The one error a stopped run ends with, by what stopped it: its message (what happened and what the next run does),
/// a stable error id, what it concerns and its kind.
/// </summary>
public sealed class RunStopReason
{
    private RunStopReason(RunStopKind kind, string errorId, string message, string? target, Exception cause)
    {
        Kind = kind;
        ErrorId = errorId;
        Message = message;
        Target = target;
        Cause = cause;
    }

    public RunStopKind Kind { get; }

    public string ErrorId { get; }

    public string Message { get; }

    public string? Target { get; }

    public Exception Cause { get; }

    public static RunStopReason Of(Exception error)
    {
        const string NextRun = "The run was stopped; the next run picks up every customer not finished.";
        switch (RunStoppingError.Find(error))
        {
            case IntercomAuthenticationException rejected:
                return new RunStopReason(RunStopKind.CredentialsRejected, "IntercomTokenRejected",
                    "Intercom rejected the access token (401); the run was stopped. Check the token and connect again.",
                    null, rejected);
            case StripeCredentialsException rejected:
                return new RunStopReason(RunStopKind.CredentialsRejected, "StripeKeyRejected",
                    "Stripe rejected the secret key (401); the run was stopped. Check the key and connect again.",
                    null, rejected);
            case ServiceUnavailableException unavailable:
                return new RunStopReason(RunStopKind.ServiceUnavailable,
                    "ServiceUnavailable." + unavailable.ServiceName, $"{unavailable.Message} {NextRun}",
                    unavailable.ServiceName, unavailable);
            case ServiceTimeoutException timeout:
                return new RunStopReason(RunStopKind.ServiceUnavailable, "ServiceUnavailable." + timeout.ServiceName,
                    $"{timeout.Message} {NextRun}", timeout.ServiceName, timeout);
            default:
                return new RunStopReason(
                    RunStopKind.Stopped, "SyncStopped", $"The run was stopped: {error.Message}", null, error);
        }
    }

    /// <summary>
    /// A run stopped at its first failed customer (-ErrorAction Stop): names the customer and what went wrong, how
    /// far the run got, and what the next run will do (<paramref name="nextRun"/>).
    /// </summary>
    public static RunStopReason FailedCustomer(CustomerSyncFailedException failed, SyncSummary summary, string nextRun)
    {
        var done = summary.Customers;
        var message = $"{failed.Message} The run stopped at this first failed customer (-ErrorAction Stop), "
            + $"after {done} customer{(done == 1 ? "" : "s")} reported. {nextRun}";
        return new RunStopReason(RunStopKind.CustomerFailed, "SyncFailed", message, failed.CustomerId, failed);
    }
}
