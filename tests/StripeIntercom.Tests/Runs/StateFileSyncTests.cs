using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Fakes.Stripe;
using StripeIntercom.Resilience;
using StripeIntercom.Sync;
using Xunit;
using Xunit.Abstractions;

namespace StripeIntercom.Tests.Runs;

/// <summary>
/// The shipped engine (<see cref="StripeIntercom.Runs.StateFileSync"/> through
/// <see cref="StripeIntercom.Runs.SyncJob"/>) stopped, cut off and fed late data, over real HTTP to both fakes:
/// nothing is lost and nothing is written twice.
/// </summary>
public class StateFileSyncTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Stopped_during_the_last_syncs_in_flight_the_next_run_writes_exactly_those_customers()
    {
        await using var rig = await EngineRig.StartAsync(customers: 60);
        var first = await rig.RunJobAsync();
        Assert.False(first.Outcome.Summary.Stopped);
        Assert.Equal(60, first.Results.Count(r => r.Action == SyncAction.Created));

        var changed = Enumerable.Range(0, 10).Select(i => rig.Stripe.State.LiveCustomers()[i * 5].Id).ToList();
        foreach (var id in changed)
        {
            rig.Stripe.State.ChangeCustomer(id, new FakeCustomerChange { Balance = 4242 + changed.IndexOf(id) });
        }

        rig.Intercom.State.ClearRequestLog();
        rig.Intercom.Options.LatencyMs = 150;

        // Four at a time: stop once six are reported, while the last four are in flight (those already finished
        // are still reported).
        using var stop = new CancellationTokenSource();
        var second = await rig.RunJobAsync(throttleLimit: 4,
            observe: (_, all) => { if (all.Count == 6) { stop.Cancel(); } },
            cancellationToken: stop.Token);
        Assert.True(second.Outcome.Cancelled);
        Assert.True(second.Outcome.Summary.Stopped);
        Assert.InRange(second.Results.Count, 6, 9);
        var reported = second.Results.Select(r => r.CustomerId).ToHashSet();
        var notReported = changed.Where(id => !reported.Contains(id)).ToList();
        Assert.Equal(notReported.OrderBy(x => x), rig.State().RetryCustomerIds.OrderBy(x => x));
        var writtenBeforeStop = rig.CustomersWritten();
        output.WriteLine(
            $"reported {string.Join(",", reported)}; written before the stop {string.Join(",", writtenBeforeStop)}");

        rig.Intercom.Options.LatencyMs = 0;
        rig.Intercom.State.ClearRequestLog();
        var third = await rig.RunJobAsync();

        Assert.False(third.Outcome.Summary.Stopped);
        Assert.Equal(notReported.OrderBy(x => x), third.Results.Select(r => r.CustomerId).OrderBy(x => x));
        var writtenAfter = rig.CustomersWritten();
        // Every changed customer is written exactly once over the two runs: what the stop cut off, and nothing else.
        Assert.Empty(writtenBeforeStop.Intersect(writtenAfter));
        Assert.Equal(changed.OrderBy(x => x), writtenBeforeStop.Union(writtenAfter).OrderBy(x => x));
        Assert.Empty(rig.State().RetryCustomerIds);
        await rig.AssertIntercomMatchesStripeAsync();
    }

    [Fact]
    public async Task An_Intercom_outage_stops_the_run_once_and_a_later_run_finishes_every_customer_exactly_once()
    {
        await using var rig = await EngineRig.StartAsync(customers: 150);
        var outage = Task.Run(async () =>
        {
            while (rig.Intercom.State.Contacts.Count < 40)
            {
                await Task.Delay(1);
            }

            rig.Intercom.State.ArmFault(FakeFaultKind.ServiceUnavailable503, 1_000_000);
        });

        var first = await rig.RunJobAsync(mode: ContactLookupMode.Bulk);
        await outage;

        var unavailable = Assert.IsType<ServiceUnavailableException>(first.Outcome.StopError);
        Assert.Equal("Intercom", unavailable.ServiceName);
        Assert.True(first.Outcome.Summary.Stopped);
        Assert.Equal(0, first.Outcome.Summary.Failed);
        Assert.InRange(first.Results.Count, 1, 149);
        Assert.Contains("resumes", first.Outcome.Summary.StopReason);
        var checkpoint = rig.State().FullSync!;
        Assert.Equal(first.Results.Last().CustomerId, checkpoint.LastCustomerId);

        rig.Intercom.State.ClearFaults();
        var second = await rig.RunJobAsync(mode: ContactLookupMode.Bulk);

        Assert.Null(second.Outcome.StopError);
        Assert.Equal("Resumed", second.Outcome.Summary.Mode);
        Assert.Equal(150,
            first.Results.Select(r => r.CustomerId).Union(second.Results.Select(r => r.CustomerId)).Count());
        Assert.Empty(first.Results.Select(r => r.CustomerId).Intersect(second.Results.Select(r => r.CustomerId)));
        Assert.Null(rig.State().FullSync);
        await rig.AssertIntercomMatchesStripeAsync();
    }

    [Fact]
    public async Task A_resume_point_deleted_since_the_stop_restarts_from_its_creation_time_and_completes()
    {
        await using var rig = await EngineRig.StartAsync(customers: 120);
        using var stop = new CancellationTokenSource();
        var first = await rig.RunJobAsync(throttleLimit: 2,
            observe: (_, all) => { if (all.Count == 50) { stop.Cancel(); } },
            cancellationToken: stop.Token);
        Assert.True(first.Outcome.Cancelled);
        var resumePoint = rig.State().FullSync!.LastCustomerId!;
        Assert.NotNull(rig.State().FullSync!.LastCustomerCreated);

        rig.Stripe.State.DeleteCustomer(resumePoint);
        var second = await rig.RunJobAsync();

        Assert.False(second.Outcome.Summary.Stopped, second.Outcome.Summary.StopReason);
        Assert.Equal("Resumed", second.Outcome.Summary.Mode);
        Assert.Null(rig.State().FullSync);
        Assert.NotNull(rig.State().Cursor);
        await rig.AssertIntercomMatchesStripeAsync();
    }

    [Fact]
    public async Task An_event_made_visible_late_with_an_older_time_is_synced_by_the_next_run()
    {
        await using var rig = await EngineRig.StartAsync(customers: 30);
        await rig.RunJobAsync();
        var late = rig.Stripe.State.LiveCustomers()[3].Id;
        var prompt = rig.Stripe.State.LiveCustomers()[9].Id;

        rig.Stripe.State.ChangeCustomer(late, new FakeCustomerChange { Name = "Late Visible", LateEvents = true });
        await Task.Delay(TimeSpan.FromSeconds(2.1)); // a later second, so the late event is older than the cursor
        rig.Stripe.State.ChangeCustomer(prompt, new FakeCustomerChange { Name = "Seen At Once" });

        var second = await rig.RunJobAsync();
        Assert.Equal(new[] { prompt }, second.Results.Select(r => r.CustomerId));
        Assert.True(rig.State().Cursor!.Created > rig.Stripe.State.Customer(late)!.Created);

        Assert.Equal(1, rig.Stripe.State.RevealLateEvents());
        var third = await rig.RunJobAsync();

        var synced = Assert.Single(third.Results);
        Assert.Equal(late, synced.CustomerId);
        Assert.Equal(SyncAction.Updated, synced.Action);
        var fourth = await rig.RunJobAsync();
        Assert.Empty(fourth.Results);
        await rig.AssertIntercomMatchesStripeAsync();
    }
}
