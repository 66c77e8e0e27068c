using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Companies;
using StripeIntercom.Connection;
using StripeIntercom.Incremental;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Commands;

/// <summary>
/// The whole job in one command for runbooks: connect, initialise attributes, read, sync, summarise. The run itself
/// is the library's (<see cref="SyncRunner"/>, <see cref="IncrementalSyncJob"/>); this cmdlet binds parameters and
/// writes what the run reports.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "StripeIntercomSync", SupportsShouldProcess = true, DefaultParameterSetName = FullSet)]
[OutputType(typeof(SyncSummary), typeof(SyncResult), typeof(CompanySyncResult))]
public sealed class InvokeStripeIntercomSyncCommand : StripeIntercomCmdlet
{
    private const string FullSet = "Full";
    private const string IncrementalSet = "Incremental";

    [Parameter(ParameterSetName = FullSet)]
    public DateTime? CreatedAfter { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = IncrementalSet)]
    public SwitchParameter Incremental { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = IncrementalSet)]
    [ValidateNotNullOrEmpty]
    public string StatePath { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AttributeNameCompleter))]
    public string[]? Attribute { get; set; }

    [Parameter]
    [ValidateNotNull]
    public object? AttributeMap { get; set; }

    [Parameter]
    [ValidateNotNull]
    public IDictionary? ComputedAttribute { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = SyncParameters.DefaultThrottleLimit;

    [Parameter]
    public ContactLookupMode LookupMode { get; set; } = ContactLookupMode.Auto;

    [Parameter]
    [ValidateRange(1, 100000)]
    public int? MaxRequestsPerWindow { get; set; }

    [Parameter]
    public DeletedCustomerAction DeletedCustomerAction { get; set; } = DeletedCustomerAction.Mark;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ExternalIdMetadataKey { get; set; }

    [Parameter]
    public SwitchParameter MergeLeads { get; set; }

    // Company sync (issue 10): kept together at the end of the parameters.
    [Parameter]
    public SwitchParameter SyncCompany { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CompanyIdMetadataKey { get; set; }

    protected override void ProcessRecord()
    {
        var connection = ModuleSession.Current ?? ConnectFromEnvironment();
        var map = AttributeMapParameters.BuildOrStop(this, Attribute, AttributeMap, ComputedAttribute);
        var whatIf = IsWhatIf;
        var stopsAtFirstError = StopsAtFirstError;
        // A full run reads every contact once; a scheduled incremental run starts with per-customer lookups.
        var lookupMode = LookupMode == ContactLookupMode.Auto && !Incremental ? ContactLookupMode.Bulk : LookupMode;
        var options = SyncParameters.Options(whatIf, Force, lookupMode, DeletedCustomerAction, ExternalIdMetadataKey, MergeLeads);
        using var session = new SyncSession(this, connection, map, options, SyncParameters.IntercomBudget(MaxRequestsPerWindow), ComputedAttribute is { Count: > 0 });
        var writer = new SyncResultWriter(this, session.Intercom, whatIf, PassThru.IsPresent) { StopsAtFirstError = stopsAtFirstError };
        if (SyncParameters.CompanySyncRequested(this, SyncCompany, CompanyIdMetadataKey))
        {
            session.EnableCompanies(AttributeMapParameters.BuildCompanyOrStop(this, map, ComputedAttribute),
                SyncParameters.CompanyOptions(whatIf, Force, CompanyIdMetadataKey, DeletedCustomerAction, ThrottleLimit, lookupMode));
        }

        var logger = new CmdletLogger(this);
        RunMilestones.Connected(logger, connection.Info);
        SyncRunOutcome outcome;
        try
        {
            outcome = Incremental ? RunIncremental(session, writer, logger, stopsAtFirstError) : RunFull(session, writer, logger, stopsAtFirstError);
        }
        catch (Exception ex) when (RunStoppingError.Is(ex))
        {
            ThrowTerminatingError(RunStopErrors.ToErrorRecord(ex));
            return;
        }
        catch (Exception ex) when (ex is DataAttributeConflictException || ex is DataAttributeLimitException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ex.GetType().Name.Replace("Exception", ""), ErrorCategory.InvalidData, null));
            return;
        }
        finally
        {
            writer.CompleteProgress();
        }

        if (outcome.Declined)
        {
            // -Confirm answered no: nothing was written, the state file included.
            WriteVerbose($"Declined: nothing was synced ({outcome.Summary.Mode}).");
            return;
        }

        if (outcome.Cancelled)
        {
            throw new PipelineStoppedException();
        }

        WriteObject(session.Complete(outcome.Summary));
        if (outcome.StopError is CustomerSyncFailedException failed)
        {
            // -ErrorAction Stop: the run stopped at this customer after saving its state; one error says so.
            var nextRun = !Incremental
                ? "A run without -Incremental keeps no state: the next one syncs every customer again, and the ones already up to date cost no write."
                : whatIf
                    ? "Under -WhatIf the state file was left as it was."
                    : $"The state file was saved before stopping. {outcome.NextRun}";
            ThrowTerminatingError(RunStopErrors.ForFailedCustomer(failed, outcome.Summary, nextRun));
        }

        if (outcome.StopError is { } error)
        {
            ThrowTerminatingError(RunStopErrors.ToErrorRecord(error));
        }
    }

    private SyncRunOutcome RunFull(SyncSession session, SyncResultWriter writer, CmdletLogger logger, bool stopsAtFirstError)
    {
        var scope = CreatedAfter is null
            ? "every Stripe customer"
            : $"the Stripe customers created after {CreatedAfter.Value.ToString("u", CultureInfo.InvariantCulture)}";
        // The count is not known before the customers are read; the question says what the run covers instead.
        if (!IsWhatIf && !ShouldProcess(
                $"Syncing {scope} (a full sync without -Incremental) into Intercom {RunMilestones.DescribeWorkspace(session.Connection.Info)}.",
                $"Sync {scope} (a full sync; the number is known only once they are read) into Intercom {RunMilestones.DescribeWorkspace(session.Connection.Info)}?",
                "Confirm"))
        {
            return SyncRunOutcome.DeclinedRun(new SyncSummary { Mode = "Full" });
        }

        RunMilestones.Mode(logger, "Full sync", CreatedAfter is null
            ? "Invoke-StripeIntercomSync without -Incremental syncs every Stripe customer."
            : $"Invoke-StripeIntercomSync -CreatedAfter syncs {scope}.");
        Run(token => InitializeAttributesAsync(session, token));
        var query = new CustomerQuery { CreatedAfter = CreatedAfter is null ? (DateTimeOffset?)null : new DateTimeOffset(CreatedAfter.Value) };
        // A run limited to recent customers does not see every customer of a company: its other customers are re-read.
        var companies = session.NewCompanyCollector(coversAllCustomers: CreatedAfter is null);
        using var runner = new SyncRunner(session.CustomerSync.WithCompanies(companies), ThrottleLimit, writer.Post, CancellationToken)
        {
            StopOnFailure = stopsAtFirstError,
        };
        Run(async token =>
        {
            await runner.RunAsync(session.Stripe.ReadAsync(query, token)).ConfigureAwait(false);
            if (companies is not null)
            {
                await CompanyPhase.RunAfterAsync(runner, session.Companies!, companies, writer.PostCompany, token).ConfigureAwait(false);
            }
        });
        var outcome = SyncRunOutcome.Of(runner);
        if (!outcome.Cancelled)
        {
            RunMilestones.Ended(logger, outcome.Summary);
        }

        return outcome;
    }

    private SyncRunOutcome RunIncremental(SyncSession session, SyncResultWriter writer, CmdletLogger logger, bool stopsAtFirstError)
    {
        var statePath = GetUnresolvedProviderPathFromPSPath(StatePath);
        var workspace = RunMilestones.DescribeWorkspace(session.Connection.Info);
        var whatIf = IsWhatIf;
        var job = new IncrementalSyncJob(statePath, session.CustomerSync, ThrottleLimit, logger)
        {
            SaveState = !whatIf,
            StopOnFailure = stopsAtFirstError,
            ExpectedCustomers = count => writer.ExpectedCustomers = count,
            Companies = session.Companies,
            CompanyReported = writer.PostCompany,
            // Asked once the run knows its mode and, for an incremental run, its count; before anything is written.
            BeforeSync = async (start, token) =>
            {
                if (!whatIf && !await Bridge.OnPipelineThread(() => ShouldProcess(DescribeRun(start, workspace, question: false), DescribeRun(start, workspace, question: true), "Confirm")).ConfigureAwait(false))
                {
                    return false;
                }

                await InitializeAttributesAsync(session, token).ConfigureAwait(false);
                return true;
            },
        };
        try
        {
            return Run(token => job.RunAsync(writer.Post, token));
        }
        catch (SyncAlreadyRunningException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "SyncAlreadyRunning", ErrorCategory.ResourceBusy, statePath));
            throw;
        }
    }

    /// <summary>"Sync 1,204 customers into workspace Acme (US)?" for an incremental run; what a full run covers otherwise.</summary>
    private static string DescribeRun(RunStart start, string workspace, bool question)
    {
        var what = start.Customers is int count
            ? $"{count.ToString("N0", CultureInfo.InvariantCulture)} changed Stripe customer{(count == 1 ? "" : "s")} (incremental run)"
            : start.Mode == "Resumed"
                ? "the rest of an interrupted full sync (every Stripe customer after its checkpoint; the number is known only once they are read)"
                : "every Stripe customer (a full sync; the number is known only once they are read)";
        return question
            ? $"Sync {what} into Intercom {workspace}? {start.Reason}"
            : $"Syncing {what} into Intercom {workspace}. {start.Reason}";
    }

    /// <summary>Creates the missing data attributes; called once the run is confirmed, so a declined run writes nothing.</summary>
    private async Task InitializeAttributesAsync(SyncSession session, CancellationToken token)
    {
        var results = new List<DataAttributeResult>(await session.Synchronizer.AttributeInitializer.EnsureAsync(session.Synchronizer.Map, session.Synchronizer.Options.WhatIf, token).ConfigureAwait(false));
        if (session.Companies is { } companies)
        {
            results.AddRange(await companies.AttributeInitializer.EnsureAsync(companies.Map, session.Synchronizer.Options.WhatIf, token).ConfigureAwait(false));
        }

        foreach (var result in results)
        {
            if (result.Action == DataAttributeAction.Created || result.Action == DataAttributeAction.WouldCreate)
            {
                Bridge.Post(() => WriteVerbose($"Data attribute {result}"));
            }
        }
    }

    private ServiceConnection ConnectFromEnvironment() => ModuleSession.ConnectFromEnvironment(this);
}
