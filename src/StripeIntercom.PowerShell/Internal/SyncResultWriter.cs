using System;
using System.Linq;
using System.Management.Automation;
using StripeIntercom.Companies;
using StripeIntercom.Intercom;
using StripeIntercom.Runs;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// What each result turns into on the pipeline: the object, a What if line, an error record for a failure, a warning
/// for a conflict, and progress. <see cref="Post"/> may be called from any thread; the writes happen on the
/// pipeline thread in the order the results came.
/// </summary>
internal sealed class SyncResultWriter
{
    private const int ProgressActivityId = 0x5718;

    private readonly StripeIntercomCmdlet _cmdlet;
    private readonly bool _writeResults;
    private readonly IntercomClient _intercom;
    private readonly ProgressTracker _progress;
    private long _written;
    private long _created;
    private long _updated;
    private long _failed;

    public SyncResultWriter(StripeIntercomCmdlet cmdlet, IntercomClient intercom, bool whatIf, bool writeResults)
    {
        _cmdlet = cmdlet;
        _intercom = intercom;
        _writeResults = writeResults;
        _progress = new ProgressTracker(cmdlet, ProgressActivityId,
            whatIf ? "Planning Intercom changes (WhatIf)" : "Syncing Stripe customers to Intercom");
    }

    /// <summary>
    /// The run stops at its first failed customer (-ErrorAction Stop): a failure is then not written as an error here
    /// (under Stop that would throw in the middle of the run), but ends the cmdlet with one terminating error once the
    /// run has saved its state.
    /// </summary>
    public bool StopsAtFirstError { get; set; }

    /// <summary>How many customers the run will report, when known (for percent and time left).</summary>
    public long? ExpectedCustomers { get; set; }

    /// <summary>Queues the result's writes for the pipeline thread.</summary>
    public void Post(SyncResult result) => _cmdlet.Bridge.Post(() => Write(result));

    /// <summary>Queues a company result's writes for the pipeline thread, after the customers' results.</summary>
    public void PostCompany(CompanySyncResult result) => _cmdlet.Bridge.Post(() => WriteCompany(result));

    public void CompleteProgress() => _progress.Complete();

    private void WriteCompany(CompanySyncResult result)
    {
        if (result.WhatIf && result.Action != CompanySyncAction.Unchanged && result.Action != CompanySyncAction.Skipped)
        {
            var target
                = result.IntercomCompanyId is null
                      ? $"Intercom company {result.CompanyId} (new) for Stripe customer(s) {string.Join(", ", result.CustomerIds)}"
                      : $"Intercom company {result.IntercomCompanyId} ({result.CompanyId}) for Stripe customer(s) {string.Join(", ", result.CustomerIds)}";
            _cmdlet.ShouldProcess(
                target, $"{result.Action}: " + string.Join("; ", result.Changes.Select(c => c.ToString())));
        }

        if (_writeResults)
        {
            _cmdlet.WriteObject(result);
        }

        if (result.Action == CompanySyncAction.Failed)
        {
            _cmdlet.WriteError(new ErrorRecord(result.Exception ?? new InvalidOperationException(result.Error),
                "CompanySyncFailed", CategoryOf(result.Exception),
                result.CompanyId)
            {
                ErrorDetails = new ErrorDetails(
                                        result.Error ?? $"Intercom company {result.CompanyId} could not be synced.")
            });
        }
    }

    private void Write(SyncResult result)
    {
        _written++;
        if (result.Action == SyncAction.Created)
        {
            _created++;
        }

        if (result.Action == SyncAction.Updated)
        {
            _updated++;
        }

        if (result.Action == SyncAction.Failed)
        {
            _failed++;
        }

        if (result.WhatIf && WouldWrite(result.Action))
        {
            // Under -WhatIf ShouldProcess only prints: a line for each contact that would be written, none for the
            // rest.
            _cmdlet.ShouldProcess(DescribeTarget(result), DescribeAction(result));
        }

        if (_writeResults)
        {
            _cmdlet.WriteObject(result);
        }

        switch (result.Action)
        {
            case SyncAction.Failed when StopsAtFirstError:
                break;
            case SyncAction.Failed:
                _cmdlet.WriteError(new ErrorRecord(result.Exception ?? new InvalidOperationException(result.Error),
                    "SyncFailed", CategoryOf(result.Exception), result.CustomerId)
                {
                    ErrorDetails
                    = new ErrorDetails(result.Error ?? $"Stripe customer {result.CustomerId} could not be synced.")
                });
                break;
            case SyncAction.Skipped when result.Exception is CustomerNotFoundException missing:
                _cmdlet.WriteError(
                    new ErrorRecord(missing, "CustomerNotFound", ErrorCategory.ObjectNotFound, missing.CustomerId));
                break;
            case SyncAction.Conflict:
                _cmdlet.WriteWarning(
                    $"Stripe customer {result.CustomerId} ({result.Email}) matches several Intercom contacts ({string.Join(", ", result.Candidates)}); nothing was written for it.");
                break;
        }

        _progress.Report(_written, ExpectedCustomers, () =>
            $"{_created} created, {_updated} updated, {_failed} failed, {_intercom.ApiCalls.Total} Intercom calls");
    }

    private static string DescribeTarget(
        SyncResult result) => result.ContactId is null
                                  ? $"Stripe customer {result.CustomerId} ({result.Email})"
                                  : $"Intercom contact {result.ContactId} for Stripe customer {result.CustomerId}";

    private static bool WouldWrite(SyncAction action) =>
        action == SyncAction.Created || action == SyncAction.Updated || action == SyncAction.Archived;

    /// <summary>An update names each change; a new contact, which sets every field, names the fields only.</summary>
    private static string DescribeAction(SyncResult result)
    {
        if (result.Changes.Count == 0)
        {
            return result.Action.ToString();
        }

        if (result.Action != SyncAction.Created)
        {
            return $"{result.Action}: " + string.Join("; ", result.Changes.Select(c => c.ToString()));
        }

        const int Named = 4;
        var names = string.Join(", ", result.Changes.Take(Named).Select(c => c.Name));
        return result.Changes.Count > Named
            ? $"Create with {result.Changes.Count} fields: {names} and {result.Changes.Count - Named} more"
            : $"Create with {names}";
    }

    private static ErrorCategory CategoryOf(Exception? error)
    {
        switch (error)
        {
            case IntercomApiException api when (int)api.StatusCode == 429 || (int)api.StatusCode >= 500:
                return ErrorCategory.ResourceUnavailable;
            case IntercomApiException api when (int)api.StatusCode == 400 || (int)api.StatusCode == 422:
                return ErrorCategory.InvalidData;
            case System.Net.Http.HttpRequestException _:
            case System.IO.IOException _:
                return ErrorCategory.ConnectionError;
            case TimeoutException _:
                return ErrorCategory.OperationTimeout;
            default:
                return ErrorCategory.NotSpecified;
        }
    }
}
