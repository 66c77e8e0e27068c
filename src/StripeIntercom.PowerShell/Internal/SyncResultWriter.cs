using System.Management.Automation;
using StripeIntercom.Companies;
using StripeIntercom.Events;
using StripeIntercom.Intercom;
using StripeIntercom.Runs;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// What each result turns into on the pipeline: the object, a What if line, an error record for a failure, a warning
/// for a conflict, and progress; the words are the library's (<see cref="SyncResultText"/>). <see cref="Post"/> may
/// be called from any thread; the writes happen on the pipeline thread in the order the results came.
/// </summary>
internal sealed class SyncResultWriter(
    StripeIntercomCmdlet cmdlet, IntercomClient intercom, bool whatIf, bool writeResults)
{
    private const int ProgressActivityId = 0x5718;

    private readonly ProgressTracker _progress = new ProgressTracker(cmdlet, ProgressActivityId,
        whatIf ? "Planning Intercom changes (WhatIf)" : "Syncing Stripe customers to Intercom");
    private readonly SyncResultTally _tally = new SyncResultTally();

    /// <summary>
    /// The run stops at its first failed customer (-ErrorAction Stop): a failure is then not written as an error here
    /// (under Stop that would throw in the middle of the run), but ends the cmdlet with one terminating error once the
    /// run has saved its state.
    /// </summary>
    public bool StopsAtFirstError { get; set; }

    /// <summary>How many customers the run will report, when known (for percent and time left).</summary>
    public long? ExpectedCustomers { get; set; }

    /// <summary>What the run reports to: <see cref="Post"/> and <see cref="PostCompany"/>.</summary>
    public SyncRunReporting Reporting => new SyncRunReporting(Post, PostCompany, PostEvent);

    /// <summary>Queues the result's writes for the pipeline thread.</summary>
    public void Post(SyncResult result) => cmdlet.Bridge.Post(() => Write(result));

    /// <summary>Queues a company result's writes for the pipeline thread, after the customers' results.</summary>
    public void PostCompany(CompanySyncResult result) => cmdlet.Bridge.Post(() => WriteCompany(result));

    /// <summary>Queues a billing event result's writes for the pipeline thread, after the companies.</summary>
    public void PostEvent(BillingEventResult result) => cmdlet.Bridge.Post(() => WriteEvent(result));

    public void CompleteProgress() => _progress.Complete();

    private void WriteEvent(BillingEventResult result)
    {
        if (result.Action == BillingEventAction.WouldSend)
        {
            cmdlet.ShouldProcess(SyncResultText.Target(result), SyncResultText.Action(result));
        }

        if (writeResults)
        {
            cmdlet.WriteObject(result);
        }

        if (result.Action == BillingEventAction.Failed)
        {
            WriteFailure(result.Exception, result.Error, "BillingEventFailed", result.StripeEventId,
                SyncResultText.NotSentMessage(result));
        }
        else if (result.Action is BillingEventAction.NoContact or BillingEventAction.Expired)
        {
            cmdlet.WriteWarning(SyncResultText.NotSentMessage(result));
        }
    }

    private void WriteCompany(CompanySyncResult result)
    {
        if (SyncResultText.IsPlannedWrite(result))
        {
            cmdlet.ShouldProcess(SyncResultText.Target(result), SyncResultText.Action(result));
        }

        if (writeResults)
        {
            cmdlet.WriteObject(result);
        }

        if (result.Action == CompanySyncAction.Failed)
        {
            WriteFailure(result.Exception, result.Error, "CompanySyncFailed", result.CompanyId,
                SyncResultText.FailureMessage(result));
        }
    }

    private void Write(SyncResult result)
    {
        _tally.Add(result);
        if (SyncResultText.IsPlannedWrite(result))
        {
            // Under -WhatIf ShouldProcess only prints: a line for each contact that would be written, none for the
            // rest.
            cmdlet.ShouldProcess(SyncResultText.Target(result), SyncResultText.Action(result));
        }

        if (writeResults)
        {
            cmdlet.WriteObject(result);
        }

        switch (result.Action)
        {
            case SyncAction.Failed when StopsAtFirstError:
                break;
            case SyncAction.Failed:
                WriteFailure(result.Exception, result.Error, "SyncFailed", result.CustomerId,
                    SyncResultText.FailureMessage(result));
                break;
            case SyncAction.Skipped when result.Exception is CustomerNotFoundException missing:
                cmdlet.WriteError(
                    new ErrorRecord(missing, "CustomerNotFound", ErrorCategory.ObjectNotFound, missing.CustomerId));
                break;
            case SyncAction.Conflict:
                cmdlet.WriteWarning(SyncResultText.ConflictWarning(result));
                break;
        }

        _progress.Report(_tally.Reported, ExpectedCustomers,
            () => $"{_tally}, {intercom.ApiCalls.Total} Intercom calls");
    }

    private void WriteFailure(Exception? exception, string? error, string errorId, string target, string message) =>
        cmdlet.WriteError(new ErrorRecord(exception ?? new InvalidOperationException(error), errorId,
            CategoryOf(exception), target)
        {
            ErrorDetails = new ErrorDetails(message),
        });

    private static ErrorCategory CategoryOf(Exception? error) => error switch
    {
        IntercomApiException api when (int)api.StatusCode == 429 || (int)api.StatusCode >= 500
            => ErrorCategory.ResourceUnavailable,
        IntercomApiException api when (int)api.StatusCode == 400 || (int)api.StatusCode == 422
            => ErrorCategory.InvalidData,
        System.Net.Http.HttpRequestException or System.IO.IOException => ErrorCategory.ConnectionError,
        TimeoutException => ErrorCategory.OperationTimeout,
        _ => ErrorCategory.NotSpecified,
    };
}
