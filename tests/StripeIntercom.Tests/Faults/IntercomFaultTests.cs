using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Intercom;
using StripeIntercom.Sync;
using StripeIntercom.Tests.Sync;
using Xunit;

namespace StripeIntercom.Tests.Faults;

/// <summary>
/// Sync outcomes under Intercom faults, over real HTTP against the fake, with the clients behind the product's
/// resilience chain (millisecond delays). These assert what Intercom ends up holding, never how long it took.
/// </summary>
public class IntercomFaultTests
{
    private const int Profiles = 200;

    [Fact]
    public async Task Storm_of_5xx_resets_and_429s_ends_with_every_customer_synced_exactly_once()
    {
        await using var rig = await FaultRig.StartAsync();
        var profiles = ProfileBuilder.BuildMany(Profiles);
        var job = rig.Job();

        // One request in four is faulted, rotating through every kind, so that each sync meets several faults but no
        // request meets more than its retries allow. The faults are armed up front, each firing after three requests
        // that get through (a lost response waits for a create): a thread arming them as the run goes fell behind on a
        // busy machine, then caught up with a burst that one request's retries all met.
        FakeFaultKind[] kinds =
        [
            FakeFaultKind.ServerError500, FakeFaultKind.ServiceUnavailable503, FakeFaultKind.Abort,
            FakeFaultKind.TooManyRequests429, FakeFaultKind.TooManyRequests429NoHeaders, FakeFaultKind.LoseResponse,
        ];
        for (var n = 0; n < Profiles / 4; n++)
        {
            var kind = kinds[n % kinds.Length];
            rig.State.ArmFault(kind, 1, kind == FakeFaultKind.LoseResponse ? "POST /contacts" : null, after: 3);
        }

        var results = (await FaultRig.SyncAllAsync(job, profiles)).Results;

        Assert.Empty(results.Where(r => r.Action == SyncAction.Failed).Select(r => r.Error));
        Assert.Equal(Profiles, results.Count);
        Assert.All(results,
            r => Assert.Contains(r.Action, new[] { SyncAction.Created, SyncAction.Updated, SyncAction.Unchanged }));
        rig.AssertExactlyOnce(profiles);
        rig.AssertContactsComplete(job.Contacts, profiles);

        // The storm really happened: the client saw throttling, server errors, resets, lost responses and retries.
        var statuses = rig.State.Requests.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(statuses.GetValueOrDefault(429) >= 10, "429s answered: " + statuses.GetValueOrDefault(429));
        Assert.True(statuses.GetValueOrDefault(500) + statuses.GetValueOrDefault(503) >= 10);
        Assert.True(rig.Counters.ThrottledResponses >= 10);
        Assert.True(rig.Counters.ConnectionFailures >= 5);
        Assert.True(rig.Counters.Retries >= 40);
    }

    [Fact]
    public async Task A_create_whose_response_is_lost_is_retried_and_adopts_the_contact_instead_of_making_a_second()
    {
        await using var rig = await FaultRig.StartAsync();
        var profile = ProfileBuilder.Build(1);
        var sync = rig.Synchronizer();
        rig.State.ArmFault(FakeFaultKind.LoseResponse, 1, "POST /contacts");

        var result = await sync.SyncAsync(sync.BuildDraft(profile));

        Assert.NotEqual(SyncAction.Failed, result.Action);
        var contact = Assert.Single(rig.LiveContacts());
        Assert.Equal(profile.Id, contact.ExternalId);
        Assert.Equal(contact.Id, result.ContactId);
        // The first create was stored and its answer lost; the retry met the 409 and adopted the contact.
        var creates = rig.State.Requests.Where(r => r.Route == "POST /contacts").ToList();
        Assert.Equal(2, creates.Count);
        Assert.Equal(409, creates[1].Status);
        Assert.Equal(1, rig.Counters.ConnectionFailures);
        rig.AssertContactsComplete(sync, [profile]);
    }

    [Fact]
    public async Task
        A_fault_that_outlives_the_retries_while_the_rest_succeeds_fails_that_customer_only_and_a_rerun_picks_it_up()
    {
        await using var rig = await FaultRig.StartAsync(latencyMs: 2);
        var profiles = ProfileBuilder.BuildMany(Profiles);
        var options = FaultRig.FastOptions(maxRetries: 4);
        var job = rig.Job(options);
        // Every create of the first customer fails, and nothing else does: a request the service cannot handle, not a
        // service that is down. The other writers' successes between its attempts keep it from being judged an outage.
        rig.State.ArmFault(FakeFaultKind.ServiceUnavailable503, 1_000_000, "POST /contacts",
            containing: $"\"{profiles[0].Id}\"");

        var run = await FaultRig.SyncAllAsync(job, profiles, writers: 8);

        Assert.Null(run.StopError);
        var failed = Assert.Single(run.Results, r => r.Action == SyncAction.Failed);
        Assert.Equal(profiles[0].Id, failed.CustomerId);
        Assert.Contains(profiles[0].Id, failed.Error);
        Assert.Equal(Profiles - 1, run.Results.Count(r => r.Action == SyncAction.Created));
        Assert.Equal(options.MaxRetries + 1,
            rig.State.Requests.Count(r => r.Route == "POST /contacts" && r.Status == 503));
        Assert.DoesNotContain(rig.LiveContacts(), c => c.ExternalId == profiles[0].Id);

        // A re-run (a fresh job, as a new session) creates the missing one and leaves the rest alone.
        rig.State.ClearFaults();
        var rerun = rig.Job(options);
        var second = (await FaultRig.SyncAllAsync(rerun, profiles)).Results;
        Assert.Equal(profiles[0].Id, Assert.Single(second, r => r.Action == SyncAction.Created).CustomerId);
        Assert.Equal(Profiles - 1, second.Count(r => r.Action == SyncAction.Unchanged));
        rig.AssertExactlyOnce(profiles);
        rig.AssertContactsComplete(rerun.Contacts, profiles);
    }

    [Fact]
    public async Task A_401_mid_run_stops_the_run_once_with_IntercomAuthenticationException_and_no_further_writes()
    {
        await using var rig = await FaultRig.StartAsync(latencyMs: 5);
        var profiles = ProfileBuilder.BuildMany(Profiles);
        var job = rig.Job();
        const int writers = 8;

        // The token is revoked once 50 contacts exist: from then on every request is refused.
        var revoke = Task.Run(async () =>
        {
            while (rig.State.Contacts.Count < 50)
            {
                await Task.Delay(1);
            }

            rig.State.ArmFault(FakeFaultKind.Unauthorized401, 100_000);
        });

        var run = await FaultRig.SyncAllAsync(job, profiles, writers);
        await revoke;
        Assert.IsType<IntercomAuthenticationException>(run.StopError);
        Assert.True(run.Summary.Stopped);
        Assert.DoesNotContain(run.Results, r => r.Action == SyncAction.Failed);
        // What was reported is a prefix of the input, and the customers submitted after it are listed as not finished.
        Assert.Equal(profiles.Take(run.Results.Count).Select(p => p.Id), run.Results.Select(r => r.CustomerId));
        Assert.NotEmpty(run.Unfinished);
        Assert.Equal(profiles.Skip(run.Results.Count).Take(run.Unfinished.Count).Select(p => p.Id), run.Unfinished);

        var contactsAtStop = rig.State.Contacts.Count;
        var requestsAtStop = rig.State.Counters.Total;
        await Task.Delay(300);
        Assert.Equal(contactsAtStop, rig.State.Contacts.Count);
        Assert.Equal(requestsAtStop, rig.State.Counters.Total);
        Assert.True(contactsAtStop < Profiles, $"{contactsAtStop} contacts: the run went on");
        // Only the requests already in flight when the first 401 came back met one; no customer started after it.
        var refused = rig.State.Requests.Count(r => r.Status == 401);
        Assert.InRange(refused, 1, writers);
        rig.AssertContactsComplete(job.Contacts, profiles);
    }

    [Fact]
    public async Task Cancellation_mid_run_stops_promptly_and_leaves_nothing_half_written()
    {
        await using var rig = await FaultRig.StartAsync(latencyMs: 20);
        var profiles = ProfileBuilder.BuildMany(Profiles);
        var job = rig.Job();
        const int writers = 8;
        using var cancel = new CancellationTokenSource();
        var requestsAtCancel = 0;
        var trigger = Task.Run(async () =>
        {
            while (rig.State.Contacts.Count < 40)
            {
                await Task.Delay(1);
            }

            requestsAtCancel = rig.State.Counters.Total;
            cancel.Cancel();
        });

        var run = await FaultRig.SyncAllAsync(job, profiles, writers, cancel.Token);
        await trigger;
        Assert.True(run.Cancelled);
        Assert.Null(run.StopError);
        Assert.Equal(profiles.Take(run.Results.Count).Select(p => p.Id), run.Results.Select(r => r.CustomerId));
        var requestsAtStop = rig.State.Counters.Total;
        var contactsAtStop = rig.LiveContacts().Count;
        await Task.Delay(300);

        // Promptly: at most the requests already in flight (one per writer) reached Intercom after the cancel, and
        // nothing arrives later.
        Assert.InRange(requestsAtStop - requestsAtCancel, 0, writers);
        Assert.Equal(requestsAtStop, rig.State.Counters.Total);
        Assert.Equal(contactsAtStop, rig.LiveContacts().Count);
        Assert.InRange(contactsAtStop, 40, Profiles - 1);
        // Every contact that exists holds all its attributes (creates carry them all in one request).
        rig.AssertContactsComplete(job.Contacts, profiles);

        // And a re-run completes the job without duplicates.
        var rerun = rig.Job();
        var second = (await FaultRig.SyncAllAsync(rerun, profiles)).Results;
        Assert.DoesNotContain(second, r => r.Action == SyncAction.Failed);
        rig.AssertExactlyOnce(profiles);
    }
}
