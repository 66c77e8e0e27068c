using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Connection;
using StripeIntercom.Incremental;
using StripeIntercom.Intercom;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Resilience;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Commands
{
    /// <summary>The whole job in one command for runbooks: connect, initialise attributes, read, sync, summarise.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "StripeIntercomSync", SupportsShouldProcess = true, DefaultParameterSetName = FullSet)]
    [OutputType(typeof(SyncSummary), typeof(SyncResult))]
    public sealed class InvokeStripeIntercomSyncCommand : SyncCmdlet
    {
        private const string FullSet = "Full";
        private const string IncrementalSet = "Incremental";
        private const int ProfilesAhead = 256;
        private static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(2);

        [Parameter(ParameterSetName = FullSet)]
        public DateTime? CreatedAfter { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = IncrementalSet)]
        public SwitchParameter Incremental { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = IncrementalSet)]
        [ValidateNotNullOrEmpty]
        public string StatePath { get; set; } = "";

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var connection = ModuleSession.Current ?? ConnectFromEnvironment();
            var map = BuildAttributeMap();
            var logger = new CmdletLogger(this);
            var counters = new ResilienceCounters();
            var options = BuildSyncOptions(LookupMode == ContactLookupMode.Auto && !Incremental ? ContactLookupMode.Bulk : LookupMode);
            using var stripe = connection.CreateStripeReader(logger, counters);
            using var intercom = connection.CreateIntercomClient(logger, counters, IntercomBudgetOverride);
            using var run = new SyncRun(this, intercom, counters, map, options, ThrottleLimit, PassThru.IsPresent);

            try
            {
                InitializeAttributes(run);
                if (Incremental)
                {
                    RunIncremental(stripe, run);
                }
                else
                {
                    var query = new CustomerQuery { CreatedAfter = CreatedAfter is null ? (DateTimeOffset?)null : new DateTimeOffset(CreatedAfter.Value) };
                    SyncProfiles(token => stripe.ReadAsync(query, token), run);
                }
            }
            catch (Exception ex) when (StopsTheRun(ex))
            {
                StopRun(ex);
            }

            WriteObject(run.Complete(stripe.ApiCalls));
        }

        /// <summary>
        /// Reads the state, then syncs what changed since its cursor, or everything (resuming an interrupted
        /// full sync from its checkpoint) when there is no usable cursor. The state is saved as the run goes, so a
        /// crash loses at most the last few seconds of work, and never under -WhatIf.
        /// </summary>
        private void RunIncremental(StripeCustomerReader stripe, SyncRun run)
        {
            var statePath = GetUnresolvedProviderPathFromPSPath(StatePath);
            SyncStateLock stateLock;
            try
            {
                stateLock = SyncStateStore.AcquireLock(statePath);
            }
            catch (SyncAlreadyRunningException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "SyncAlreadyRunning", ErrorCategory.ResourceBusy, statePath));
                return;
            }

            using (stateLock)
            {
                var loaded = SyncStateStore.Load(statePath);
                var feed = stripe.CreateChangeFeed();
                var plan = IncrementalRunPlanner.Decide(loaded, feed.IsTooOld);
                var state = loaded.State ?? new SyncState();
                var persist = !IsWhatIf;
                run.Summary.Note = plan.Reason;
                if (plan.Mode == IncrementalRunMode.Incremental)
                {
                    WriteVerbose(plan.Reason);
                    SyncChanges(stripe, feed, plan, state, run);
                    if (persist)
                    {
                        SyncStateStore.Save(statePath, state);
                    }

                    return;
                }

                WriteWarning(plan.Reason);
                SyncEverything(stripe, feed, plan, state, run, persist ? () => SyncStateStore.Save(statePath, state) : (Action)(() => { }));
            }
        }

        private void SyncChanges(StripeCustomerReader stripe, ChangedCustomerFeed feed, IncrementalRunPlan plan, SyncState state, SyncRun run)
        {
            run.Summary.Mode = "Incremental";
            var changes = RunFor(token => feed.ReadSinceAsync(plan.Cursor!, token));
            var ids = changes.Customers.Select(c => c.Id).Concat(state.RetryCustomerIds).Distinct(StringComparer.Ordinal).ToList();
            WriteVerbose($"{changes.EventsRead} Stripe events since the cursor name {changes.Customers.Count} customers; {state.RetryCustomerIds.Count} more are retried.");
            var failed = new List<string>();
            run.ExpectedCustomers = ids.Count;
            run.ResultObserver = result =>
            {
                if (result.Action == SyncAction.Failed)
                {
                    failed.Add(result.CustomerId);
                }
            };
            SyncProfiles(token => ReadByIds(stripe, ids, token), run);
            state.CompleteIncremental(changes.NewCursor, DateTimeOffset.UtcNow);
            state.RetryCustomerIds = failed;
        }

        private void SyncEverything(StripeCustomerReader stripe, ChangedCustomerFeed feed, IncrementalRunPlan plan, SyncState state, SyncRun run, Action save)
        {
            var resuming = plan.Mode == IncrementalRunMode.ResumeFullSync;
            run.Summary.Mode = resuming ? "Resumed" : "Full";
            if (!resuming)
            {
                var cursor = RunFor(token => feed.CaptureCursorAsync(token));
                state.BeginFullSync(cursor, DateTimeOffset.UtcNow);
                state.RetryCustomerIds = new List<string>();
                save();
            }

            // Results arrive in input order, so the last live customer reported is a safe resume point. Deleted
            // customers come after every live one and are not resume points (Stripe cannot list after them).
            var deleted = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
            var done = state.FullSync!.CustomersDone;
            var sinceSave = Stopwatch.StartNew();
            run.ResultObserver = result =>
            {
                if (result.Action == SyncAction.Failed && !state.RetryCustomerIds.Contains(result.CustomerId))
                {
                    state.RetryCustomerIds.Add(result.CustomerId);
                }

                if (!deleted.ContainsKey(result.CustomerId))
                {
                    state.RecordFullSyncProgress(result.CustomerId, ++done);
                }

                if (sinceSave.Elapsed >= CheckpointInterval)
                {
                    save();
                    sinceSave.Restart();
                }
            };

            var query = new CustomerQuery { IncludeDeleted = true, StartingAfter = plan.ResumeAfterCustomerId };
            try
            {
                SyncProfiles(token => Tracked(stripe.ReadAsync(query, token), deleted), run);
                state.CompleteFullSync(DateTimeOffset.UtcNow);
            }
            finally
            {
                save();
            }
        }

        private static async IAsyncEnumerable<CustomerProfile> Tracked(IAsyncEnumerable<CustomerProfile> profiles, ConcurrentDictionary<string, bool> deleted)
        {
            await foreach (var profile in profiles.ConfigureAwait(false))
            {
                if (profile.Deleted)
                {
                    deleted[profile.Id] = true;
                }

                yield return profile;
            }
        }

        private async IAsyncEnumerable<CustomerProfile> ReadByIds(StripeCustomerReader stripe, IReadOnlyList<string> ids, [EnumeratorCancellation] CancellationToken token)
        {
            foreach (var id in ids)
            {
                var profile = await stripe.GetAsync(id, token).ConfigureAwait(false);
                if (profile is null)
                {
                    Post(c => c.WriteVerbose($"Stripe customer {id} no longer exists; skipped."));
                    continue;
                }

                yield return profile;
            }
        }

        private T RunFor<T>(Func<CancellationToken, Task<T>> work)
        {
            T result = default!;
            Run(async token => result = await work(token).ConfigureAwait(false));
            return result;
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
        /// Reads profiles on a worker while this thread builds drafts (computed attributes are scriptblocks) and
        /// hands them to the dispatcher; at most <see cref="ProfilesAhead"/> profiles wait between the two.
        /// </summary>
        private void SyncProfiles(Func<CancellationToken, IAsyncEnumerable<CustomerProfile>> source, SyncRun run)
        {
            var waiting = new ConcurrentQueue<CustomerProfile>();
            using var room = new SemaphoreSlim(ProfilesAhead, ProfilesAhead);
            var token = RunCancellationToken;
            var reading = Task.Run(async () =>
            {
                await foreach (var profile in source(token).WithCancellation(token).ConfigureAwait(false))
                {
                    await room.WaitAsync(token).ConfigureAwait(false);
                    waiting.Enqueue(profile);
                    Post(_ => { });
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

            if (reading.IsFaulted || reading.IsCanceled)
            {
                reading.GetAwaiter().GetResult();
            }

            run.Drain();
        }

        private ServiceConnection ConnectFromEnvironment() => ModuleSession.ConnectFromEnvironment(this);
    }
}
