using System;
using System.Management.Automation;
using StripeIntercom.Intercom;
using StripeIntercom.Resilience;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>The one error record a stopped run ends with, by what stopped it.</summary>
internal static class RunStopErrors
{
    /// <summary>
    /// The error of a run stopped at its first failed customer (-ErrorAction Stop): names the customer and what went
    /// wrong, where the run left its state, and what the next run will do.
    /// </summary>
    public static ErrorRecord ForFailedCustomer(CustomerSyncFailedException failed, SyncSummary summary, string nextRun)
    {
        var done = summary.Customers;
        var message = $"{failed.Message} The run stopped at this first failed customer (-ErrorAction Stop), " +
            $"after {done} customer{(done == 1 ? "" : "s")} reported. {nextRun}";
        return new ErrorRecord(new InvalidOperationException(message, failed), "SyncFailed", ErrorCategory.NotSpecified,
            failed.CustomerId)
        {
            ErrorDetails = new ErrorDetails(message),
        };
    }

    public static ErrorRecord ToErrorRecord(Exception error)
    {
        switch (RunStoppingError.Find(error))
        {
            case IntercomAuthenticationException rejected:
                return new ErrorRecord(
                    new InvalidOperationException(
                        "Intercom rejected the access token (401); the run was stopped. Check the token and connect again.",
                        rejected),
                    "IntercomTokenRejected", ErrorCategory.AuthenticationError, null);
            case StripeCredentialsException rejected:
                return new ErrorRecord(
                    new InvalidOperationException(
                        "Stripe rejected the secret key (401); the run was stopped. Check the key and connect again.",
                        rejected),
                    "StripeKeyRejected", ErrorCategory.AuthenticationError, null);
            case ServiceUnavailableException unavailable:
                return new ErrorRecord(
                    new InvalidOperationException(
                        $"{unavailable.Message} The run was stopped; the next run picks up every customer not finished.",
                        unavailable),
                    "ServiceUnavailable." + unavailable.ServiceName, ErrorCategory.ResourceUnavailable,
                    unavailable.ServiceName);
            case ServiceTimeoutException timeout:
                return new ErrorRecord(
                    new InvalidOperationException(
                        $"{timeout.Message} The run was stopped; the next run picks up every customer not finished.",
                        timeout),
                    "ServiceUnavailable." + timeout.ServiceName, ErrorCategory.ResourceUnavailable,
                    timeout.ServiceName);
            default:
                return new ErrorRecord(
                    new InvalidOperationException($"The run was stopped: {error.Message}", error),
                    "SyncStopped", ErrorCategory.NotSpecified, null);
        }
    }
}
