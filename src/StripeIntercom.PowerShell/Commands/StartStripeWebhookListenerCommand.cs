using System;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Resilience;
using StripeIntercom.Sync;
using StripeIntercom.Webhooks;

namespace StripeIntercom.PowerShell.Commands
{
    /// <summary>
    /// Listens for Stripe webhooks, acknowledges each delivery at once and syncs the customers they concern in
    /// the background: duplicates dropped by event id, bursts for one customer coalesced, each customer re-read
    /// from Stripe when its turn comes. Runs until Ctrl+C or -Duration.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "StripeWebhookListener", SupportsShouldProcess = true)]
    [OutputType(typeof(WebhookActivity))]
    public sealed class StartStripeWebhookListenerCommand : WebhookCmdlet
    {
        private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Prefix { get; set; } = "http://127.0.0.1:8080/";

        [Parameter]
        public TimeSpan? Duration { get; set; }

        protected override void ProcessRecord()
        {
            var connection = ModuleSession.Current ?? ModuleSession.ConnectFromEnvironment(this);
            var verifier = CreateVerifier();
            var logger = new CmdletLogger(this);
            var counters = new ResilienceCounters();
            var options = BuildSyncOptions(ContactLookupMode.PerCustomer);
            using var stripe = connection.CreateStripeReader(logger, counters);
            using var intercom = connection.CreateIntercomClient(logger, counters, IntercomBudgetOverride);
            var synchronizer = new ContactSynchronizer(intercom, BuildAttributeMap(), options, logger);

            async Task<SyncResult> SyncCustomer(string customerId, CancellationToken token)
            {
                var profile = await stripe.GetAsync(customerId, token).ConfigureAwait(false);
                if (profile is null)
                {
                    return new SyncResult { CustomerId = customerId, Action = SyncAction.Skipped, Error = $"Stripe customer {customerId} no longer exists." };
                }

                // Computed attributes are scriptblocks: the draft is built on the pipeline thread, which is pumping below.
                var draft = await OnPipelineThread(() => synchronizer.BuildDraft(profile)).ConfigureAwait(false);
                return await synchronizer.SyncAsync(draft, token).ConfigureAwait(false);
            }

            void Report(WebhookActivity activity) => Post(c => WriteActivity(activity));

            // Workers report through a queue with its own thread: output that is not read cannot hold them or the acknowledgements.
            using var outbox = new WebhookActivityQueue(Report);
            using var processor = new WebhookProcessor(SyncCustomer, outbox.Post, new WebhookProcessorOptions { MaxConcurrency = ThrottleLimit });
            WebhookListener listener;
            try
            {
                listener = new WebhookListener(Prefix, verifier, processor, Report);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "InvalidPrefix", ErrorCategory.InvalidArgument, Prefix));
                return;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(RunCancellationToken);
            Task run;
            try
            {
                run = listener.RunAsync(stop.Token);
            }
            catch (InvalidOperationException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "ListenerStartFailed", ErrorCategory.ResourceUnavailable, Prefix));
                return;
            }

            if (Duration is { } duration)
            {
                stop.CancelAfter(duration);
            }

            WriteInformation(new HostInformationMessage { Message = $"Listening for Stripe webhooks on {listener.ListeningOn}; Ctrl+C stops." }, new[] { "PSHOST" });
            var listening = Task.Run(async () =>
            {
                await run.ConfigureAwait(false);

                using var drain = new CancellationTokenSource(DrainTimeout);
                await processor.StopAsync(drain.Token).ConfigureAwait(false);
                outbox.Dispose();
            });
            PumpUntil(listening);
            listening.GetAwaiter().GetResult();
            if (outbox.Dropped > 0)
            {
                WriteWarning($"{outbox.Dropped} webhook activity report(s) were not shown: output was read more slowly than deliveries came in.");
            }

            if (RunCancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        private void WriteActivity(WebhookActivity activity)
        {
            switch (activity.Kind)
            {
                case WebhookActivityKind.Received:
                    WriteVerbose(activity.ToString());
                    return;
                case WebhookActivityKind.Failed:
                case WebhookActivityKind.Dropped:
                case WebhookActivityKind.Rejected:
                    WriteWarning(activity.ToString());
                    break;
            }

            WriteObject(activity);
        }
    }
}
