using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;
using StripeIntercom.Tests.Intercom;
using Xunit;
using Xunit.Abstractions;
using static StripeIntercom.Tests.Sync.SyncTestContext;

namespace StripeIntercom.Tests.Sync;

public class BulkSyncTests(ITestOutputHelper output)
{
    private const int Customers = 2_000;

    /// <summary>Through the shipped engine, eight at a time as the cmdlets' default.</summary>
    private static async Task<IReadOnlyList<SyncResult>> SyncAllAsync(SyncJob job,
        IEnumerable<CustomerProfile> profiles)
    {
        var run = await Faults.FaultRig.SyncAllAsync(job, profiles, writers: 8);
        Assert.Null(run.StopError);
        return run.Results;
    }

    private void Report(string run, IntercomTestServer server, Stopwatch watch)
    {
        var perCustomer = (double)server.State.Counters.Total / Customers;
        output.WriteLine(
            $"{run}: {server.State.Counters.Total} Intercom calls ({server.State.Counters.Writes} writes) "
            + $"for {Customers} customers = {perCustomer:0.0000} per customer, {watch.ElapsedMilliseconds} ms");
        foreach (var (route, count) in server.State.Counters.ByRoute.OrderBy(p => p.Key))
        {
            output.WriteLine($"    {route}: {count}");
        }
    }

    [Fact]
    public async Task Two_thousand_customers_sync_once_without_duplicates_and_then_cost_nothing()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var profiles = ProfileBuilder.BuildMany(Customers);

        // First run into an empty workspace.
        var watch = Stopwatch.StartNew();
        var job = Job(server);
        var drafts = profiles.Select(job.Contacts.BuildDraft).ToList();
        var first = await SyncAllAsync(job, profiles);
        Report("first sync", server, watch);

        Assert.All(first, r => Assert.Equal(SyncAction.Created, r.Action));
        var contacts = server.State.Contacts;
        Assert.Equal(Customers, contacts.Count);
        Assert.Equal(Customers, contacts.Select(c => c.ExternalId).Distinct().Count());
        Assert.Equal(Customers, contacts.Select(c => c.Email!.ToLowerInvariant()).Distinct().Count());
        var byExternalId = drafts.ToDictionary(d => d.ExternalId);
        foreach (var contact in contacts)
        {
            var draft = byExternalId[contact.ExternalId!];
            Assert.Equal("user", contact.Role);
            Assert.Equal(draft.Email, contact.Email);
            Assert.Equal(draft.Name, contact.Name);
            foreach (var (name, value) in draft.CustomAttributes)
            {
                JsonElement? held = contact.CustomAttributes.TryGetValue(name, out var node)
                    ? JsonSerializer.SerializeToElement(node)
                    : null;
                Assert.True(IntercomValueComparer.AreEqual(held, value),
                    $"{contact.ExternalId} {name}: Intercom holds {node?.ToJsonString() ?? "(none)"}, "
                    + $"draft says {value ?? "(null)"}");
            }
        }
        Assert.True((double)server.State.Counters.Total / Customers <= 1.05);

        // Re-run with nothing changed: a fresh synchronizer, as a new PowerShell session would have.
        server.State.Counters.Reset();
        watch.Restart();
        var rerun = Job(server);
        var second = await SyncAllAsync(rerun, profiles);
        Report("unchanged re-run", server, watch);

        Assert.All(second, r => Assert.Equal(SyncAction.Unchanged, r.Action));
        Assert.Equal(0, server.State.Counters.Writes);
        Assert.True((double)server.State.Counters.Total / Customers <= 0.02);

        // Change 20 customers.
        foreach (var profile in profiles.Where((_, i) => i % 100 == 7))
        {
            profile.Balance += 5m;
        }

        server.State.Counters.Reset();
        watch.Restart();
        var third = Job(server);
        var changed = await SyncAllAsync(third, profiles);
        Report("20 changed", server, watch);

        Assert.Equal(20, changed.Count(r => r.Action == SyncAction.Updated));
        Assert.Equal(Customers - 20, changed.Count(r => r.Action == SyncAction.Unchanged));
        Assert.Equal(20, server.State.Counters.Writes);
        Assert.Equal(20, server.State.Counters["PUT /contacts/{id}"]);
        Assert.Equal(Customers, server.State.Contacts.Count);
    }
}
