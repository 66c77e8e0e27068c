using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using StripeIntercom.Companies;
using StripeIntercom.Connection;
using StripeIntercom.Incremental;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Commands
{
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
            // A full run reads every contact once; a scheduled incremental run starts with per-customer lookups.
            var lookupMode = LookupMode == ContactLookupMode.Auto && !Incremental ? ContactLookupMode.Bulk : LookupMode;
            var options = SyncParameters.Options(IsWhatIf, Force, lookupMode, DeletedCustomerAction, ExternalIdMetadataKey, MergeLeads);
            using var session = new SyncSession(this, connection, map, options, SyncParameters.IntercomBudget(MaxRequestsPerWindow), ComputedAttribute is { Count: > 0 });
            var writer = new SyncResultWriter(this, session.Intercom, IsWhatIf, PassThru.IsPresent);
            if (SyncParameters.CompanySyncRequested(this, SyncCompany, CompanyIdMetadataKey))
            {
                session.EnableCompanies(AttributeMapParameters.BuildCompanyOrStop(this, map, ComputedAttribute),
                    SyncParameters.CompanyOptions(IsWhatIf, Force, CompanyIdMetadataKey, DeletedCustomerAction, ThrottleLimit, lookupMode));
            }

            SyncRunOutcome outcome;
            try
            {
                InitializeAttributes(session);
                outcome = Incremental ? RunIncremental(session, writer) : RunFull(session, writer);
            }
            catch (Exception ex) when (RunStoppingError.Is(ex))
            {
                ThrowTerminatingError(RunStopErrors.ToErrorRecord(ex));
                return;
            }
            finally
            {
                writer.CompleteProgress();
            }

            if (outcome.Cancelled)
            {
                throw new PipelineStoppedException();
            }

            WriteObject(session.Complete(outcome.Summary));
            if (outcome.StopError is { } error)
            {
                ThrowTerminatingError(RunStopErrors.ToErrorRecord(error));
            }
        }

        private SyncRunOutcome RunFull(SyncSession session, SyncResultWriter writer)
        {
            var query = new CustomerQuery { CreatedAfter = CreatedAfter is null ? (DateTimeOffset?)null : new DateTimeOffset(CreatedAfter.Value) };
            // A run limited to recent customers does not see every customer of a company: its other customers are re-read.
            var companies = session.NewCompanyCollector(coversAllCustomers: CreatedAfter is null);
            using var runner = new SyncRunner(session.CustomerSync.WithCompanies(companies), ThrottleLimit, writer.Post, CancellationToken);
            Run(async token =>
            {
                await runner.RunAsync(session.Stripe.ReadAsync(query, token)).ConfigureAwait(false);
                if (companies is not null)
                {
                    await CompanyPhase.RunAfterAsync(runner, session.Companies!, companies, writer.PostCompany, token).ConfigureAwait(false);
                }
            });
            return SyncRunOutcome.Of(runner);
        }

        private SyncRunOutcome RunIncremental(SyncSession session, SyncResultWriter writer)
        {
            var statePath = GetUnresolvedProviderPathFromPSPath(StatePath);
            var job = new IncrementalSyncJob(statePath, session.CustomerSync, ThrottleLimit, new CmdletLogger(this))
            {
                SaveState = !IsWhatIf,
                ExpectedCustomers = count => writer.ExpectedCustomers = count,
                Companies = session.Companies,
                CompanyReported = writer.PostCompany,
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

        private void InitializeAttributes(SyncSession session)
        {
            try
            {
                var results = Run(token => session.Synchronizer.AttributeInitializer.EnsureAsync(session.Synchronizer.Map, IsWhatIf, token));
                if (session.Companies is { } companies)
                {
                    results = results.Concat(Run(token => companies.AttributeInitializer.EnsureAsync(companies.Map, IsWhatIf, token))).ToList();
                }

                foreach (var result in results)
                {
                    if (result.Action == DataAttributeAction.Created || result.Action == DataAttributeAction.WouldCreate)
                    {
                        WriteVerbose($"Data attribute {result}");
                    }
                }
            }
            catch (Exception ex) when (ex is DataAttributeConflictException || ex is DataAttributeLimitException)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ex.GetType().Name.Replace("Exception", ""), ErrorCategory.InvalidData, null));
            }
        }

        private ServiceConnection ConnectFromEnvironment() => ModuleSession.ConnectFromEnvironment(this);
    }
}
