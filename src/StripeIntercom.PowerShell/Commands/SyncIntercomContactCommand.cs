using System;
using System.Management.Automation;
using StripeIntercom.Intercom;
using StripeIntercom.Connection;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Resilience;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Commands
{
    /// <summary>Creates or updates the Intercom contact of each profile it is given, writing only what differs.</summary>
    [Cmdlet(VerbsData.Sync, "IntercomContact", SupportsShouldProcess = true, DefaultParameterSetName = ProfileSet)]
    [OutputType(typeof(SyncResult))]
    public sealed class SyncIntercomContactCommand : SyncCmdlet
    {
        private const string ProfileSet = "Profile";
        private const string ByIdSet = "ById";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ProfileSet)]
        [ValidateNotNull]
        public CustomerProfile[] InputObject { get; set; } = Array.Empty<CustomerProfile>();

        [Parameter(Mandatory = true, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] CustomerId { get; set; } = Array.Empty<string>();

        private ServiceConnection? _connection;
        private StripeCustomerReader? _stripe;
        private SyncRun? _run;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _connection = ModuleSession.Require(this);
            var map = BuildAttributeMap();
            var logger = new CmdletLogger(this);
            var counters = new ResilienceCounters();
            _stripe = _connection.CreateStripeReader(logger, counters);
            _run = new SyncRun(this, _connection.CreateIntercomClient(logger, counters, IntercomBudgetOverride), counters, map, BuildSyncOptions(), ThrottleLimit, writeResults: true);
        }

        protected override void ProcessRecord()
        {
            try
            {
                if (ParameterSetName == ProfileSet)
                {
                    foreach (var profile in InputObject)
                    {
                        Submit(profile);
                    }
                }
                else
                {
                    foreach (var id in CustomerId)
                    {
                        CustomerProfile? profile = null;
                        Run(async token => profile = await _stripe!.GetAsync(id, token).ConfigureAwait(false));
                        if (profile is null)
                        {
                            WriteError(new ErrorRecord(new ItemNotFoundException($"Stripe customer '{id}' does not exist."), "CustomerNotFound", ErrorCategory.ObjectNotFound, id));
                            continue;
                        }

                        Submit(profile);
                    }
                }
            }
            catch (Exception ex) when (StopsTheRun(ex))
            {
                StopRun(ex);
            }
        }

        protected override void EndProcessing()
        {
            try
            {
                _run!.Complete(_stripe!.ApiCalls);
            }
            catch (Exception ex) when (StopsTheRun(ex))
            {
                StopRun(ex);
            }
            finally
            {
                _stripe?.Dispose();
                _run?.Intercom.Dispose();
                _run?.Dispose();
            }
        }

        private void Submit(CustomerProfile profile)
        {
            if (!IsWhatIf && !ShouldProcess($"Stripe customer {profile.Id} ({profile.Email})", "Create or update its Intercom contact"))
            {
                _run!.Skip(profile, "Declined at the confirmation prompt.");
                return;
            }

            _run!.Submit(profile);
        }

    }
}
