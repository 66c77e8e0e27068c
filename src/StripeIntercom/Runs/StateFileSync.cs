using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stripe;
using StripeIntercom.Companies;
using StripeIntercom.Events;
using StripeIntercom.Incremental;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>
/// A run against a state file (Invoke-StripeIntercomSync -Incremental, as a scheduler starts it): holds the file's
/// lock, decides between an incremental run, a full sync and resuming one, runs it through the <see cref="SyncJob"/>,
/// and keeps the cursor, checkpoint and retry list so that nothing is lost whatever stops the run.
/// <list type="bullet">
/// <item>Incremental: the customers named by Stripe events since the cursor, plus last run's retry list. The cursor
/// moves on; every customer not reported as done (failed, unfinished or never started) goes on the retry list.</item>
/// <item>Full: every customer, deleted ones last. The checkpoint is the last live customer reported, which (results
/// being reported in input order, and none after the first unfinished one) has everything before it done.</item>
/// </list>
/// </summary>
public sealed class StateFileSync
{
    private readonly string _statePath;
    private readonly StripeCustomerReader _stripe;
    private readonly ChangedCustomerFeed _feed;
    private readonly SyncJob _job;
    private readonly ILogger _logger;

    /// <param name="job">The job the run goes through; its Stripe reader reads the customers and the events.</param>
    public StateFileSync(string statePath, SyncJob job, ILogger? logger = null, ChangedCustomerFeed? feed = null)
    {
        _statePath = statePath ?? throw new ArgumentNullException(nameof(statePath));
        _job = job ?? throw new ArgumentNullException(nameof(job));
        _stripe = job.Services.Stripe;
        _logger = logger ?? NullLogger.Instance;
        _feed = feed ?? _stripe.CreateChangeFeed();
    }

    /// <summary>False under -WhatIf (the job's settings): the run plans, and the state file is left as it
    /// was.</summary>
    private bool SaveState => !_job.Settings.WhatIf;

    /// <summary>How often a full sync saves its checkpoint while it runs.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Told how many customers the run will sync, when that is known before it starts.</summary>
    public Action<int>? ExpectedCustomers { get; set; }

    /// <summary>
    /// Asked once the run knows what it will do (mode, reason, and for an incremental run how many customers) and
    /// before it writes anything, the state file included; false ends the run with nothing done and the state as it
    /// was (<see cref="SyncRunOutcome.Declined"/>). The cmdlets ask for confirmation here (-Confirm) and then create
    /// the data attributes. An exception it throws ends the run the same way and goes to the caller.
    /// </summary>
    public Func<RunStart, CancellationToken, Task<bool>>? BeforeSync { get; set; }

    /// <exception cref="SyncAlreadyRunningException">Another run holds the state file.</exception>
    /// <remarks>With company sync, the customers of a company that failed or was not reached go on the retry
    /// list.</remarks>
    public async Task<SyncRunOutcome> RunAsync(SyncRunReporting reporting, CancellationToken cancellationToken)
    {
        using (SyncStateStore.AcquireLock(_statePath))
        {
            var loaded = SyncStateStore.Load(_statePath);
            var plan = IncrementalRunPlanner.Decide(loaded, _feed.IsTooOld);
            var state = loaded.State ?? new SyncState();
            SyncRunOutcome outcome;
            if (plan.Mode == IncrementalRunMode.Incremental)
            {
                _logger.LogInformation("{Reason}", plan.Reason);
                RunMilestones.Mode(_logger, "Incremental", plan.Reason);
                outcome = await SyncChangesAsync(plan, state, reporting, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                _logger.LogWarning("{Reason}", plan.Reason);
                RunMilestones.Mode(_logger,
                    plan.Mode == IncrementalRunMode.ResumeFullSync ? "Resumed full sync" : "Full sync", plan.Reason);
                outcome = await SyncEverythingAsync(plan, state, reporting, cancellationToken).ConfigureAwait(false);
            }

            if (!outcome.Declined)
            {
                RunMilestones.Ended(_logger, outcome.Summary);
            }

            return outcome;
        }
    }

    private async Task<SyncRunOutcome> SyncChangesAsync(
        IncrementalRunPlan plan, SyncState state, SyncRunReporting reporting, CancellationToken cancellationToken)
    {
        ChangedCustomers changes;
        IReadOnlyList<BillingEvent> billingEvents;
        try
        {
            changes = await _feed.ReadSinceAsync(plan.Cursor!, cancellationToken,
                collectBillingEvents: _job.Settings.SyncEvents).ConfigureAwait(false);
            billingEvents = await BillingEventsAsync(changes, plan.Cursor!, state, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // Nothing was synced and the state is as it was: the next run reads the same events again.
            return StoppedBeforeStart(ex, "Incremental", plan.Reason);
        }

        var ids = changes.Customers.Select(c => c.Id)
                      .Concat(state.RetryCustomerIds)
                      .Concat(billingEvents.Select(e => e.CustomerId!))
                      .Distinct(StringComparer.Ordinal)
                      .ToList();
        _logger.LogInformation(
            "{Events} Stripe events since the cursor name {Customers} customers; {Retried} more are retried.",
            changes.EventsRead, changes.Customers.Count, state.RetryCustomerIds.Count);
        RunMilestones.EventsRead(_logger, changes.EventsRead, changes.Customers.Count, state.RetryCustomerIds.Count);
        if (!await ProceedAsync(new RunStart("Incremental", plan.Reason, ids.Count), cancellationToken)
                 .ConfigureAwait(false))
        {
            // Nothing was written: the next run reads the same events again.
            return Declined("Incremental", plan.Reason);
        }

        ExpectedCustomers?.Invoke(ids.Count);

        var done = new HashSet<string>(StringComparer.Ordinal);
        using var run = _job.Begin(new SyncRunReporting(result =>
        {
            if (result.Action != SyncAction.Failed)
            {
                lock (done)
                {
                    done.Add(result.CustomerId);
                }
            }

            reporting.CustomerReported?.Invoke(result);
        }, reporting.CompanyReported, reporting.EventReported), coversAllCustomers: false, cancellationToken);
        run.Summary.Mode = "Incremental";
        run.Summary.Note = plan.Reason;
        run.AddEvents(billingEvents);
        await run.AddAsync(ids).ConfigureAwait(false);
        var outcome = await run.CompleteAsync().ConfigureAwait(false);
        lock (done)
        {
            done.ExceptWith(run.CustomersWithoutCompany);
        }

        // The cursor moves on even after a stop: every customer its events named and that was not done is kept.
        state.CompleteIncremental(changes.NewCursor, DateTimeOffset.UtcNow);
        lock (done)
        {
            state.RetryCustomerIds = ids.Where(id => !done.Contains(id)).ToList();
        }

        if (_job.Settings.SyncEvents)
        {
            state.RetryEventIds = run.UnsentEvents.OrderBy(e => e.CreatedAt).Select(e => e.StripeEventId)
                .Distinct(StringComparer.Ordinal).ToList();
        }

        Save(state);
        string? nextRun = null;
        if (run.IsStopped)
        {
            var retry = state.RetryCustomerIds.Count;
            nextRun = $"The next run syncs the {retry} customer{(retry == 1 ? "" : "s")} not done"
                      + (outcome.StopError is CustomerSyncFailedException failed ? $", {failed.CustomerId} among them."
                                                                                 : ".");
            outcome.Summary.StopReason += " " + nextRun;
        }

        return WithNextRun(outcome, nextRun);
    }

    private async Task<SyncRunOutcome> SyncEverythingAsync(
        IncrementalRunPlan plan, SyncState state, SyncRunReporting reporting, CancellationToken cancellationToken)
    {
        var resuming = plan.Mode == IncrementalRunMode.ResumeFullSync;
        var mode = resuming ? "Resumed" : "Full";
        if (!await ProceedAsync(new RunStart(mode, plan.Reason, null), cancellationToken).ConfigureAwait(false))
        {
            return Declined(mode, plan.Reason);
        }

        if (_job.Settings.SyncEvents)
        {
            _logger.LogWarning("A full sync sends no billing events: they start with the events after its cursor, "
                + "which the next incremental run reads.");
        }

        if (!resuming)
        {
            EventCursor cursor;
            try
            {
                cursor = await _feed.CaptureCursorAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                return StoppedBeforeStart(ex, mode, plan.Reason);
            }

            state.BeginFullSync(cursor, DateTimeOffset.UtcNow);
            state.RetryCustomerIds = new List<string>();
            Save(state);
        }

        var checkpoint = state.FullSync!;
        // A stopped company phase lists nearly every customer: a set keeps adding them linear.
        var retrying = new HashSet<string>(state.RetryCustomerIds, StringComparer.Ordinal);
        void RetryNextRun(string id)
        {
            if (retrying.Add(id))
            {
                state.RetryCustomerIds.Add(id);
            }
        }

        var deleted = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var created = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var customersDone = checkpoint.CustomersDone;
        var sinceSave = Stopwatch.StartNew();
        // A resumed full sync does not see the customers before its checkpoint, so companies re-read those they list.
        using var run = _job.Begin(new SyncRunReporting(result =>
        {
            if (result.Action == SyncAction.Failed)
            {
                RetryNextRun(result.CustomerId);
            }

            // Deleted customers come after every live one and are no resume point: Stripe cannot list after them.
            created.TryRemove(result.CustomerId, out var createdAt);
            if (!deleted.ContainsKey(result.CustomerId))
            {
                state.RecordFullSyncProgress(
                    result.CustomerId, ++customersDone, createdAt == default ? (DateTimeOffset?)null : createdAt);
            }

            if (sinceSave.Elapsed >= CheckpointInterval)
            {
                Save(state);
                sinceSave.Restart();
            }

            reporting.CustomerReported?.Invoke(result);
        }, reporting.CompanyReported, reporting.EventReported), coversAllCustomers: !resuming, cancellationToken);
        run.Summary.Mode = mode;
        run.Summary.Note = plan.Reason;

        var query = new CustomerQuery
        {
            IncludeDeleted = true,
            StartingAfter = plan.ResumeAfterCustomerId,
            StartingAfterCreated = checkpoint.LastCustomerCreated is long at ? DateTimeOffset.FromUnixTimeSeconds(at)
                                                                             : (DateTimeOffset?)null,
        };
        string? nextRun = null;
        SyncRunOutcome outcome;
        try
        {
            await run.AddAsync(Tracked(_stripe.ReadAsync(query, cancellationToken), deleted, created))
                .ConfigureAwait(false);
            outcome = await run.CompleteAsync().ConfigureAwait(false);
            foreach (var id in run.CustomersWithoutCompany)
            {
                RetryNextRun(id);
            }

            if (!run.IsStopped)
            {
                state.CompleteFullSync(DateTimeOffset.UtcNow);
            }
            else
            {
                var failedCount = state.RetryCustomerIds.Count;
                nextRun
                    = $"The next run resumes the full sync after {checkpoint.LastCustomerId ?? "the start"}."
                      + (failedCount > 0
                              ? $" The {failedCount} customer{(failedCount == 1 ? "" : "s")} that failed"
                                    + (outcome.StopError is CustomerSyncFailedException failed
                                            ? $" ({failed.CustomerId} among them)"
                                            : "")
                                    + $" {(failedCount == 1 ? "is" : "are")} retried by the first incremental run "
                                    + "after the full sync is done."
                              : "");
                outcome.Summary.StopReason += " " + nextRun;
            }
        }
        finally
        {
            Save(state);
        }

        return WithNextRun(outcome, nextRun);
    }

    /// <summary>
    /// The billing events to send this run: those read since the cursor and those left on the retry list, oldest
    /// first. The first run with -SyncEvents starts at its cursor and says so; an event Stripe no longer has (past its
    /// 30 days) is dropped with a warning.
    /// </summary>
    private async Task<IReadOnlyList<BillingEvent>> BillingEventsAsync(ChangedCustomers changes, EventCursor cursor,
        SyncState state, CancellationToken cancellationToken)
    {
        if (!_job.Settings.SyncEvents)
        {
            return Array.Empty<BillingEvent>();
        }

        if (state.EventsSince == null)
        {
            state.EventsSince = cursor.Created;
            _logger.LogWarning("Billing events are sent from {Since:u} (this state file's cursor) on; older ones are "
                + "not backfilled.", DateTimeOffset.FromUnixTimeSeconds(cursor.Created));
        }

        var stripeEvents = new List<Event>();
        foreach (var id in state.RetryEventIds)
        {
            var retried = await _stripe.GetEventAsync(id, cancellationToken).ConfigureAwait(false);
            if (retried == null)
            {
                _logger.LogWarning("Billing event {EventId} was never sent and Stripe no longer has it (events are "
                    + "kept 30 days): it is dropped.", id);
                continue;
            }

            stripeEvents.Add(retried);
        }

        stripeEvents.AddRange(changes.BillingEvents);
        var events = new List<BillingEvent>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stripeEvent in stripeEvents)
        {
            if (!seen.Add(stripeEvent.Id))
            {
                continue;
            }

            var billingEvent = await _job.EventReader.ReadAsync(stripeEvent, cancellationToken).ConfigureAwait(false);
            if (billingEvent == null || billingEvent.CreatedAt < state.EventsSince)
            {
                continue;
            }

            if (billingEvent.CustomerId == null)
            {
                _logger.LogWarning("Billing event {EventId} ({Type}) names no customer Stripe can find: not sent.",
                    billingEvent.StripeEventId, billingEvent.StripeType);
                continue;
            }

            events.Add(billingEvent);
        }

        return events.OrderBy(e => e.CreatedAt).ToList();
    }

    private async Task<bool> ProceedAsync(RunStart start, CancellationToken cancellationToken) =>
        BeforeSync == null || await BeforeSync(start, cancellationToken).ConfigureAwait(false);

    private SyncRunOutcome Declined(string mode, string note) =>
        SyncRunOutcome.DeclinedRun(_job.Complete(new SyncSummary { Mode = mode, Note = note, WhatIf = !SaveState }));

    private static SyncRunOutcome WithNextRun(SyncRunOutcome outcome, string? nextRun)
    {
        outcome.NextRun = nextRun;
        return outcome;
    }

    private SyncRunOutcome StoppedBeforeStart(Exception error, string mode, string note)
    {
        var summary = new SyncSummary { Mode = mode, Note = note, WhatIf = !SaveState };
        summary.MarkStopped(
            $"The run stopped before syncing any customer: {error.Message} The state file is unchanged, so the "
            + "next run starts from the same point.",
            0);
        return new SyncRunOutcome(_job.Complete(summary), RunStoppingError.Find(error) ?? error, cancelled: false);
    }

    private void Save(SyncState state)
    {
        if (SaveState)
        {
            SyncStateStore.Save(_statePath, state);
        }
    }

    private static async IAsyncEnumerable<CustomerProfile> Tracked(IAsyncEnumerable<CustomerProfile> profiles,
        ConcurrentDictionary<string, bool> deleted, ConcurrentDictionary<string, DateTimeOffset> created,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var profile in profiles.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (profile.Deleted)
            {
                deleted[profile.Id] = true;
            }
            else
            {
                created[profile.Id] = profile.Created;
            }

            yield return profile;
        }
    }
}
