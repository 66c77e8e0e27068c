using System.Management.Automation;
using StripeIntercom.Runs;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>The one error record a stopped run ends with, by what stopped it (<see cref="RunStopReason"/>).</summary>
internal static class RunStopErrors
{
    /// <summary>The error of a run stopped at its first failed customer (-ErrorAction Stop).</summary>
    public static ErrorRecord ForFailedCustomer(CustomerSyncFailedException failed, SyncSummary summary, string nextRun)
        => ToErrorRecord(RunStopReason.FailedCustomer(failed, summary, nextRun));

    public static ErrorRecord ToErrorRecord(Exception error) => ToErrorRecord(RunStopReason.Of(error));

    private static ErrorRecord ToErrorRecord(RunStopReason reason)
    {
        var category = reason.Kind switch
        {
            RunStopKind.CredentialsRejected => ErrorCategory.AuthenticationError,
            RunStopKind.ServiceUnavailable => ErrorCategory.ResourceUnavailable,
            _ => ErrorCategory.NotSpecified,
        };
        return new ErrorRecord(
            new InvalidOperationException(reason.Message, reason.Cause), reason.ErrorId, category, reason.Target)
        {
            ErrorDetails = reason.Kind == RunStopKind.CustomerFailed ? new ErrorDetails(reason.Message) : null,
        };
    }
}
