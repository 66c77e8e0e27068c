using System.Text.Json.Nodes;
using StripeIntercom.Bulk;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Resilience;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;
using StripeIntercom.Tests.Faults;
using StripeIntercom.Tests.Sync;
using Xunit;

namespace StripeIntercom.Tests.Bulk;

/// <summary>
/// Contact writes through Intercom's Preview bulk jobs, over HTTP against the fake (asynchronous jobs, strict creates,
/// a search that lags 2 s): every customer ends with exactly one contact holding Stripe's values, and each result
/// says truthfully what became of it, whatever the jobs did.
/// </summary>
public class BulkWriteTests
{
    private const int Customers = 250;

    private static SyncSettings Settings(ContactWriteMode mode = ContactWriteMode.Bulk) => new()
    {
        LookupMode = ContactLookupMode.Bulk,
        WriteMode = mode,
        BulkWrites = BulkTestOptions.Fast(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4)),
    };

    private static Task<FaultRig> StartAsync(Action<FakeIntercomOptions>? configure = null) =>
        FaultRig.StartAsync(configure: o =>
        {
            o.BulkJobDelayMs = 100;
            configure?.Invoke(o);
        });

    [Fact]
    public async Task A_first_sync_creates_every_contact_in_jobs_of_100_without_searching_for_what_completed_jobs_made()
    {
        await using var rig = await StartAsync();
        var profiles = ProfileBuilder.BuildMany(Customers);
        var job = rig.Job(settings: Settings());

        var report = await FaultRig.SyncAllAsync(job, profiles, writers: 8);

        Assert.Null(report.StopError);
        Assert.All(report.Results, r => Assert.Equal(SyncAction.Created, r.Action));
        // No later phase needs the new contacts' ids, so nothing looks them up.
        Assert.All(report.Results, r => Assert.Null(r.ContactId));
        rig.AssertExactlyOnce(profiles);
        rig.AssertContactsComplete(job.Contacts, profiles);
        Assert.Equal(3, rig.State.Counters["POST /contacts/bulk"]);
        Assert.Equal(0, rig.State.Counters["POST /contacts"]);
        Assert.Equal(0, rig.State.Counters["POST /contacts/search"]);
        // A request and its polls per 100 customers.
        var routes = rig.State.Counters.ByRoute;
        var bulkCalls = routes.Where(p => p.Key.Contains("/bulk") || p.Key.Contains("find_by_external_id"))
            .Sum(p => p.Value);
        Assert.True(bulkCalls < Customers / 20, string.Join(", ", routes.Select(p => $"{p.Key} {p.Value}")));

        var rerun = await FaultRig.SyncAllAsync(rig.Job(settings: Settings()), profiles);
        Assert.All(rerun.Results, r => Assert.Equal(SyncAction.Unchanged, r.Action));
    }

    [Fact]
    public async Task The_last_partial_batch_leaves_when_the_run_has_read_its_last_customer()
    {
        await using var rig = await StartAsync();
        var profiles = ProfileBuilder.BuildMany(Customers);
        var settings = Settings();
        // A partial batch mid-run would wait this long; the run's last one must not.
        settings.BulkWrites!.FlushDelay = TimeSpan.FromSeconds(30);
        var job = rig.Job(settings: settings);

        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        var report = await FaultRig.SyncAllAsync(job, profiles, writers: 8);

        Assert.Null(report.StopError);
        Assert.True(elapsed.Elapsed < settings.BulkWrites.FlushDelay, $"the run took {elapsed.Elapsed}");
        Assert.All(report.Results, r => Assert.Equal(SyncAction.Created, r.Action));
        rig.AssertExactlyOnce(profiles);
        // 100, 100 and the last 50: the last batch still gathered every write that came.
        Assert.Equal(3, rig.State.Counters["POST /contacts/bulk"]);
    }

    [Fact]
    public async Task A_run_sending_billing_events_finds_what_each_job_created_and_reports_every_contact_id()
    {
        await using var rig = await StartAsync();
        var profiles = ProfileBuilder.BuildMany(Customers);
        var settings = Settings();
        settings.SyncEvents = true;
        var job = rig.Job(settings: settings);

        var report = await FaultRig.SyncAllAsync(job, profiles, writers: 8);

        Assert.Null(report.StopError);
        Assert.All(report.Results, r => Assert.Equal(SyncAction.Created, r.Action));
        var contactIds = rig.LiveContacts().ToDictionary(c => c.ExternalId!, c => c.Id);
        Assert.All(report.Results, r => Assert.Equal(contactIds[r.CustomerId], r.ContactId));
        rig.AssertExactlyOnce(profiles);
        // One search per job, and by id only what the search had not caught up with.
        Assert.Equal(3, rig.State.Counters["POST /contacts/bulk"]);
        Assert.InRange(rig.State.Counters["POST /contacts/search"], 3, 9);
    }

    [Fact]
    public async Task Changed_customers_are_updated_by_contact_id_in_bulk_and_an_unchanged_rerun_writes_nothing()
    {
        await using var rig = await StartAsync();
        var profiles = ProfileBuilder.BuildMany(Customers);
        await FaultRig.SyncAllAsync(rig.Job(settings: Settings(ContactWriteMode.PerContact)), profiles);
        foreach (var profile in profiles)
        {
            profile.Balance += 10m;
        }

        rig.State.Counters.Reset();
        var job = rig.Job(settings: Settings());
        var report = await FaultRig.SyncAllAsync(job, profiles);

        Assert.All(report.Results, r => Assert.Equal(SyncAction.Updated, r.Action));
        rig.AssertExactlyOnce(profiles);
        rig.AssertContactsComplete(job.Contacts, profiles);
        Assert.Equal(3, rig.State.Counters["PUT /contacts/bulk"]);
        Assert.Equal(0, rig.State.Counters.ByRoute
            .Where(p => p.Key.StartsWith("PUT /contacts/{", StringComparison.Ordinal)).Sum(p => p.Value));

        rig.State.Counters.Reset();
        var rerun = await FaultRig.SyncAllAsync(rig.Job(settings: Settings()), profiles);
        Assert.All(rerun.Results, r => Assert.Equal(SyncAction.Unchanged, r.Action));
        Assert.Equal(0, rig.State.Counters.Writes);
    }

    [Fact]
    public async Task A_job_ending_completed_with_errors_is_reconciled_and_the_rejected_items_are_written_one_by_one()
    {
        await using var rig = await StartAsync(o => o.RejectBulkItemsPercent = 10);
        var profiles = ProfileBuilder.BuildMany(Customers);
        var job = rig.Job(settings: Settings());

        var report = await FaultRig.SyncAllAsync(job, profiles);

        Assert.Null(report.StopError);
        Assert.Contains(rig.State.BulkJobs, j => j.State == "completed_with_errors");
        Assert.All(report.Results, r => Assert.Equal(SyncAction.Created, r.Action));
        rig.AssertExactlyOnce(profiles);
        rig.AssertContactsComplete(job.Contacts, profiles);
        Assert.True(rig.State.Counters["POST /contacts"] > 0, "the rejected creates were made one by one");

        // Updates too: a job that rejected an update does not say which, so each of its items is written again.
        foreach (var profile in profiles)
        {
            profile.Balance += 10m;
        }

        var updater = rig.Job(settings: Settings());
        var updated = await FaultRig.SyncAllAsync(updater, profiles);
        Assert.All(updated.Results, r => Assert.Equal(SyncAction.Updated, r.Action));
        rig.AssertExactlyOnce(profiles);
        rig.AssertContactsComplete(updater.Contacts, profiles);
    }

    [Fact]
    public async Task A_create_racing_another_writer_ends_with_one_contact_holding_Stripes_values_reported_as_updated()
    {
        await using var rig = await StartAsync(o => o.BulkJobDelayMs = 1500);
        var profiles = ProfileBuilder.BuildMany(Customers);
        var job = rig.Job(settings: Settings());

        var run = FaultRig.SyncAllAsync(job, profiles);
        // Once the first job is accepted and before it runs, another writer creates ten of its contacts with the same
        // external_id and other values: the job's strict create rejects them.
        var raced = new List<string>();
        while (raced.Count == 0)
        {
            await Task.Delay(20);
            var first = rig.State.BulkJobs.FirstOrDefault();
            if (first == null)
            {
                continue;
            }

            foreach (var item in first.Tasks[0].Items.Take(10))
            {
                var externalId = item.Body["external_id"]!.GetValue<string>();
                rig.State.CreateContact(new JsonObject
                {
                    ["role"] = "user",
                    ["external_id"] = externalId,
                    ["email"] = item.Body["email"]!.GetValue<string>(),
                    ["name"] = "Written by someone else",
                });
                raced.Add(externalId);
            }
        }

        var report = await run;

        Assert.Null(report.StopError);
        var byCustomer = report.Results.ToDictionary(r => r.CustomerId);
        Assert.All(raced, id => Assert.Equal(SyncAction.Updated, byCustomer[id].Action));
        Assert.All(report.Results.Where(r => !raced.Contains(r.CustomerId)),
            r => Assert.Equal(SyncAction.Created, r.Action));
        rig.AssertExactlyOnce(profiles);
        rig.AssertContactsComplete(job.Contacts, profiles);
    }

    [Fact]
    public async Task A_lost_job_stops_the_run_like_an_outage_and_the_next_run_finishes_exactly_once()
    {
        await using var rig = await StartAsync();
        var profiles = ProfileBuilder.BuildMany(Customers);
        rig.State.ArmFault(FakeFaultKind.LoseBulkJob, count: 1, route: "POST /contacts/bulk", after: 1);

        var stopped = await FaultRig.SyncAllAsync(rig.Job(settings: Settings()), profiles);

        var outage = Assert.IsType<ServiceUnavailableException>(stopped.StopError);
        Assert.Contains("bulk job", outage.Message);
        Assert.True(stopped.Summary.Stopped);
        Assert.NotEmpty(stopped.Unfinished);
        Assert.All(stopped.Results, r => Assert.Equal(SyncAction.Created, r.Action));

        // Reported customers are a prefix of the input: the jobs after the lost one made contacts not yet reported.
        var createdBefore = rig.LiveContacts().Select(c => c.ExternalId!).ToHashSet();
        Assert.Superset(stopped.Results.Select(r => r.CustomerId).ToHashSet(), createdBefore);
        Assert.True(createdBefore.Count < Customers, "the lost job's customers have no contact yet");
        var job = rig.Job(settings: Settings());
        var next = await FaultRig.SyncAllAsync(job, profiles);

        Assert.Null(next.StopError);
        Assert.All(next.Results, r => Assert.Equal(
            createdBefore.Contains(r.CustomerId) ? SyncAction.Unchanged : SyncAction.Created, r.Action));
        rig.AssertExactlyOnce(profiles);
        rig.AssertContactsComplete(job.Contacts, profiles);
    }

    [Fact]
    public async Task WhatIf_in_bulk_mode_reports_what_per_contact_mode_reports_and_sends_nothing()
    {
        await using var rig = await StartAsync();
        var profiles = ProfileBuilder.BuildMany(Customers);
        await FaultRig.SyncAllAsync(rig.Job(settings: Settings(ContactWriteMode.PerContact)), profiles.Take(100));
        foreach (var profile in profiles)
        {
            profile.Balance += 10m;
        }

        rig.State.Counters.Reset();
        var bulkSettings = Settings();
        bulkSettings.WhatIf = true;
        var perContactSettings = Settings(ContactWriteMode.PerContact);
        perContactSettings.WhatIf = true;

        var bulk = await FaultRig.SyncAllAsync(rig.Job(settings: bulkSettings), profiles);
        var perContact = await FaultRig.SyncAllAsync(rig.Job(settings: perContactSettings), profiles);

        Assert.Equal(0, rig.State.Counters.Writes);
        Assert.Equal(perContact.Results.Select(Line), bulk.Results.Select(Line));
        Assert.Contains(bulk.Results, r => r.Action == SyncAction.Created);
        Assert.Contains(bulk.Results, r => r.Action == SyncAction.Updated);

        static string Line(SyncResult r) => $"{r.CustomerId} {r.Action} {r.ContactId} "
            + string.Join(";", r.Changes.Select(c => c.ToString()));
    }

    [Fact]
    public async Task A_workspace_refusing_the_Preview_version_is_written_one_by_one_from_the_first_refusal_on()
    {
        await using var rig = await StartAsync(o => o.RefusePreview = true);
        var profiles = ProfileBuilder.BuildMany(Customers);
        var job = rig.Job(settings: Settings());

        var report = await FaultRig.SyncAllAsync(job, profiles);

        Assert.Null(report.StopError);
        Assert.All(report.Results, r => Assert.Equal(SyncAction.Created, r.Action));
        rig.AssertExactlyOnce(profiles);
        rig.AssertContactsComplete(job.Contacts, profiles);
        Assert.False(job.Contacts.BulkWrites!.IsBulk);
        // The batches already gathered when the first refusal came back are refused too; none after them is sent.
        Assert.InRange(rig.State.Counters["POST /contacts/bulk"], 1, 3);
        Assert.Equal(Customers, rig.State.Counters["POST /contacts"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public async Task A_lost_job_of_a_small_run_with_production_retries_stops_it_and_the_next_run_finishes(int count)
    {
        await using var rig = await StartAsync();
        var profiles = ProfileBuilder.BuildMany(count);
        rig.State.ArmFault(FakeFaultKind.LoseBulkJob, count: 1, route: "POST /contacts/bulk");

        var stopped = await FaultRig.SyncAllAsync(rig.Job(ResilienceOptions.ForIntercom(), settings: Settings()),
            profiles);

        Assert.IsType<ServiceUnavailableException>(stopped.StopError);
        Assert.Empty(stopped.Results);
        Assert.Equal(profiles.Select(p => p.Id), stopped.Unfinished);
        Assert.Empty(rig.LiveContacts());

        var job = rig.Job(ResilienceOptions.ForIntercom(), settings: Settings());
        var next = await FaultRig.SyncAllAsync(job, profiles);
        Assert.Null(next.StopError);
        Assert.All(next.Results, r => Assert.Equal(SyncAction.Created, r.Action));
        rig.AssertExactlyOnce(profiles);
        rig.AssertContactsComplete(job.Contacts, profiles);
    }

    [Fact]
    public async Task Auto_writes_one_by_one_until_the_run_has_queued_its_threshold_then_in_bulk()
    {
        await using var rig = await StartAsync();
        var settings = Settings(ContactWriteMode.Auto);
        settings.BulkWrites.AutoThreshold = 150;

        var few = ProfileBuilder.BuildMany(40);
        await FaultRig.SyncAllAsync(rig.Job(settings: settings), few);
        Assert.Empty(rig.State.BulkJobs);
        Assert.Equal(40, rig.State.Counters["POST /contacts"]);

        var many = ProfileBuilder.BuildMany(Customers, start: 1000);
        var job = rig.Job(settings: settings);
        var report = await FaultRig.SyncAllAsync(job, many);
        Assert.All(report.Results, r => Assert.Equal(SyncAction.Created, r.Action));
        Assert.NotEmpty(rig.State.BulkJobs);
        rig.AssertExactlyOnce(few.Concat(many).ToList());
    }
}
