using System.Management.Automation;
using StripeIntercom.Companies;
using StripeIntercom.Connection;
using StripeIntercom.Events;
using StripeIntercom.Incremental;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Commands;

/// <summary>
/// The whole job in one command for runbooks: connect, initialise attributes, read, sync, summarise. The run itself
/// is the library's (<see cref="SyncJob"/>, and <see cref="StateFileSync"/> for -Incremental); this cmdlet binds
/// parameters, asks for confirmation and writes what the run reports.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "StripeIntercomSync", SupportsShouldProcess = true, DefaultParameterSetName = FullSet)]
[OutputType(typeof(SyncSummary), typeof(SyncResult), typeof(CompanySyncResult), typeof(BillingEventResult))]
public sealed class InvokeStripeIntercomSyncCommand : EventSyncingCmdlet
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
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = SyncSettings.DefaultThrottleLimit;

    [Parameter]
    public ContactLookupMode LookupMode { get; set; } = ContactLookupMode.Auto;

    protected override void ProcessRecord()
    {
        var connection = ModuleSession.Current ?? ModuleSession.ConnectFromEnvironment(this);
        var settings = ReadSettingsOrStop();
        if (settings.SyncEvents && !Incremental)
        {
            WriteWarning("-SyncEvents sends the Stripe events a state-file run reads: it takes effect with "
                + "-Incremental -StatePath; this full sync sends none.");
        }

        // A full run reads every contact once; a scheduled incremental run starts with per-customer lookups.
        settings.LookupMode = settings.LookupFor(coversAllCustomers: !Incremental);
        using var job = CreateJob(connection, settings);
        var writer = new SyncResultWriter(this, job.Services.Intercom, IsWhatIf, PassThru.IsPresent)
        {
            StopsAtFirstError = settings.StopOnFailure,
        };
        RunMilestones.Connected(new CmdletLogger(this), connection.Info);
        SyncRunOutcome outcome;
        try
        {
            outcome = Incremental ? RunIncremental(job, writer) : RunFull(job, writer.Reporting);
        }
        catch (Exception ex) when (RunStoppingError.Is(ex))
        {
            StopRun(RunStopReason.Of(ex));
            return;
        }
        catch (Exception ex) when (IsDataAttributeError(ex))
        {
            StopOnDataAttributeError(ex);
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

        WriteObject(outcome.Summary);
        if (outcome.StopError is CustomerSyncFailedException failed)
        {
            // -ErrorAction Stop: the run stopped at this customer after saving its state; one error says so.
            var nextRun = RunQuestions.NextRunAfterStop(Incremental, IsWhatIf, outcome.NextRun);
            StopRun(RunStopReason.FailedCustomer(failed, outcome.Summary, nextRun));
        }

        EndRun(cancelled: false, outcome.StopError);
    }

    private SyncRunOutcome RunFull(SyncJob job, SyncRunReporting reporting)
    {
        var workspace = RunMilestones.DescribeWorkspace(job.Services.Connection!);
        if (!IsWhatIf && !Confirm(question => RunQuestions.FullRun(CreatedAfter, workspace, question)))
        {
            return SyncRunOutcome.DeclinedRun(new SyncSummary { Mode = "Full" });
        }

        var query = new CustomerQuery
        {
            CreatedAfter = CreatedAfter is { } after ? new DateTimeOffset(after) : null,
        };
        return Run(async token =>
        {
            await job.CreateMissingAttributesAsync(new CmdletLogger(this), token).ConfigureAwait(false);
            return await job.RunAsync(query, reporting, token).ConfigureAwait(false);
        });
    }

    private SyncRunOutcome RunIncremental(SyncJob job, SyncResultWriter writer)
    {
        var statePath = GetUnresolvedProviderPathFromPSPath(StatePath);
        var workspace = RunMilestones.DescribeWorkspace(job.Services.Connection!);
        var whatIf = IsWhatIf;
        var run = new StateFileSync(statePath, job, new CmdletLogger(this))
        {
            ExpectedCustomers = count => writer.ExpectedCustomers = count,
            // Asked once the run knows its mode and, for an incremental run, its count; before anything is written.
            BeforeSync = async (start, token) =>
            {
                if (!whatIf && !await Bridge.OnOwnerThread(
                        () => Confirm(question => RunQuestions.StateFileRun(start, workspace, question)))
                    .ConfigureAwait(false))
                {
                    return false;
                }

                await job.CreateMissingAttributesAsync(new CmdletLogger(this), token).ConfigureAwait(false);
                return true;
            },
        };
        try
        {
            return Run(token => run.RunAsync(writer.Reporting, token));
        }
        catch (SyncAlreadyRunningException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "SyncAlreadyRunning", ErrorCategory.ResourceBusy, statePath));
            throw;
        }
    }
}
