using System.Management.Automation;
using System.Security;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Runs;
using StripeIntercom.Sync;
using StripeIntercom.Webhooks;

namespace StripeIntercom.PowerShell.Commands;

/// <summary>
/// Listens for Stripe webhooks, acknowledges each delivery at once and syncs the customers they concern in
/// the background: duplicates dropped by event id, bursts for one customer coalesced, each customer re-read
/// from Stripe when its turn comes. Runs until Ctrl+C or -Duration.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "StripeWebhookListener", SupportsShouldProcess = true)]
[OutputType(typeof(WebhookActivity))]
public sealed class StartStripeWebhookListenerCommand : EventSyncingCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Prefix { get; set; } = "http://127.0.0.1:8080/";

    [Parameter]
    public TimeSpan? Duration { get; set; }

    [Parameter]
    public SecureString? Secret { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int ToleranceSeconds { get; set; } = 300;

    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = SyncSettings.DefaultThrottleLimit;

    protected override void ProcessRecord()
    {
        var connection = ModuleSession.Current ?? ModuleSession.ConnectFromEnvironment(this);
        var verifier = CreateVerifierOrStop(Secret, ToleranceSeconds);
        var settings = ReadSettingsOrStop();
        settings.LookupMode = ContactLookupMode.PerCustomer;
        // One job for the listener's life: its clients end in the connection's pools, which recycle themselves.
        using var job = CreateJob(connection, settings);

        void Report(WebhookActivity activity) => Bridge.Post(() => WriteActivity(activity));

        // The host owns the listener's life; activities reach the pipeline through its outbox, whose own thread
        // waits for output that is not read, so nothing holds up the syncs or the acknowledgements.
        WebhookHost host;
        try
        {
            host = new WebhookHost(Prefix, verifier, job.WebhookSync(new CmdletLogger(this)), Report,
                new WebhookProcessorOptions
                {
                    MaxConcurrency = ThrottleLimit,
                    SendEvents = settings.SyncEvents
                        ? (result, events, token) => job.SendEventsAsync(events, result, token)
                        : null,
                });
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "InvalidPrefix", ErrorCategory.InvalidArgument, Prefix));
            return;
        }

        using (host)
        {
            Task listening;
            try
            {
                // A run-stopping error (a service judged down, a rejected key) stops the host with that one error.
                listening = host.RunAsync(Duration, CancellationToken);
            }
            catch (InvalidOperationException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "ListenerStartFailed", ErrorCategory.ResourceUnavailable,
                    Prefix));
                return;
            }

            WriteInformation(new HostInformationMessage
            {
                Message = $"Listening for Stripe webhooks on {host.ListeningOn}; Ctrl+C stops.",
            }, new[] { "PSHOST" });
            Bridge.PumpUntil(listening);
            listening.GetAwaiter().GetResult();
            if (host.DroppedReports > 0)
            {
                WriteWarning($"{host.DroppedReports} webhook activity report(s) were not shown: output was read more "
                    + "slowly than deliveries came in.");
            }

            EndRun(CancellationToken.IsCancellationRequested, host.StopError);
        }
    }

    private void WriteActivity(WebhookActivity activity)
    {
        if (activity.Kind == WebhookActivityKind.Received)
        {
            WriteVerbose(activity.ToString());
            return;
        }

        if (activity.Kind is WebhookActivityKind.Failed or WebhookActivityKind.Dropped or WebhookActivityKind.Rejected)
        {
            WriteWarning(activity.ToString());
        }

        foreach (var unsent in activity.Events.Where(e => e.Action != StripeIntercom.Events.BillingEventAction.Sent))
        {
            WriteWarning(SyncResultText.NotSentMessage(unsent));
        }

        WriteObject(activity);
    }
}
