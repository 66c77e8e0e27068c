using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Connection;
using StripeIntercom.Intercom;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Commands
{
    /// <summary>The whole job in one command for runbooks: connect, initialise attributes, read, sync, summarise.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "StripeIntercomSync", SupportsShouldProcess = true)]
    [OutputType(typeof(SyncSummary), typeof(SyncResult))]
    public sealed class InvokeStripeIntercomSyncCommand : SyncCmdlet
    {
        private const int ProfilesAhead = 256;

        [Parameter]
        public DateTime? CreatedAfter { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var connection = ModuleSession.Current ?? ConnectFromEnvironment();
            var map = BuildAttributeMap();
            var logger = new CmdletLogger(this);
            using var stripe = connection.CreateStripeReader(logger);
            using var intercom = connection.CreateIntercomClient(logger);
            using var run = new SyncRun(this, intercom, map, BuildSyncOptions(LookupMode == ContactLookupMode.Auto ? ContactLookupMode.Bulk : LookupMode), ThrottleLimit, PassThru.IsPresent);

            try
            {
                InitializeAttributes(run);
                SyncAll(stripe, run);
            }
            catch (IntercomAuthenticationException ex)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException("Intercom rejected the access token (401); the run was stopped.", ex),
                    "IntercomTokenRejected", ErrorCategory.AuthenticationError, null));
            }
            catch (StripeCredentialsException ex)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException("Stripe rejected the secret key (401); the run was stopped.", ex),
                    "StripeKeyRejected", ErrorCategory.AuthenticationError, null));
            }

            WriteObject(run.Complete(stripe.ApiCalls));
        }

        private void InitializeAttributes(SyncRun run)
        {
            try
            {
                Run(async token =>
                {
                    var results = await run.Synchronizer.AttributeInitializer.EnsureAsync(run.Synchronizer.Map, IsWhatIf, token).ConfigureAwait(false);
                    foreach (var result in results)
                    {
                        if (result.Action == DataAttributeAction.Created || result.Action == DataAttributeAction.WouldCreate)
                        {
                            Post(c => c.WriteVerbose($"Data attribute {result}"));
                        }
                    }
                });
            }
            catch (Exception ex) when (ex is DataAttributeConflictException || ex is DataAttributeLimitException)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ex.GetType().Name.Replace("Exception", ""), ErrorCategory.InvalidData, null));
            }
        }

        /// <summary>
        /// Reads Stripe on a worker while this thread builds drafts (computed attributes are scriptblocks) and
        /// hands them to the dispatcher; at most <see cref="ProfilesAhead"/> profiles wait between the two.
        /// </summary>
        private void SyncAll(StripeCustomerReader stripe, SyncRun run)
        {
            var query = new CustomerQuery { CreatedAfter = CreatedAfter is null ? (DateTimeOffset?)null : new DateTimeOffset(CreatedAfter.Value) };
            var waiting = new ConcurrentQueue<CustomerProfile>();
            using var room = new SemaphoreSlim(ProfilesAhead, ProfilesAhead);
            var token = RunCancellationToken;
            var reading = Task.Run(async () =>
            {
                var profiles = stripe.ReadAsync(query, token).GetAsyncEnumerator(token);
                try
                {
                    while (await profiles.MoveNextAsync().ConfigureAwait(false))
                    {
                        await room.WaitAsync(token).ConfigureAwait(false);
                        waiting.Enqueue(profiles.Current);
                        Post(_ => { });
                    }
                }
                finally
                {
                    await profiles.DisposeAsync().ConfigureAwait(false);
                }
            }, token);
            _ = reading.ContinueWith(_ => Post(__ => { }), TaskScheduler.Default);

            while (true)
            {
                // Read the flag first: once the reader has finished, everything it queued is already in the queue.
                var finished = reading.IsCompleted;
                while (waiting.TryDequeue(out var profile))
                {
                    room.Release();
                    run.Submit(profile);
                }

                if (finished)
                {
                    break;
                }

                PumpOnce();
            }

            if (reading.IsFaulted)
            {
                reading.GetAwaiter().GetResult();
            }
        }

        private ServiceConnection ConnectFromEnvironment()
        {
            var options = new ConnectionOptions().WithDefaultsFrom(
                Environment.GetEnvironmentVariables(), null, SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            ServiceConnection? connection = null;
            try
            {
                Run(async token => connection = await ServiceConnection.OpenAsync(options, new CmdletLogger(this), token).ConfigureAwait(false));
            }
            catch (ConnectionFailedException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "ConnectionFailed." + ex.Service.Replace(" and ", "And"), ErrorCategory.AuthenticationError, ex.Service));
            }

            ModuleSession.Current = connection;
            return connection!;
        }
    }
}
