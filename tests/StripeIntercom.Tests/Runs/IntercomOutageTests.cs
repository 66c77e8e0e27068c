using System.Diagnostics;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Fakes.Stripe;
using StripeIntercom.Resilience;
using StripeIntercom.Sync;
using Xunit;
using Xunit.Abstractions;

namespace StripeIntercom.Tests.Runs;

/// <summary>
/// Issue 19: an outage is judged by time, not by traffic. Scheduled incremental runs of 1, 5 and 50 changed customers
/// meet an Intercom that answers 503 to every contact request (GET /me and data attributes still answer), over real
/// HTTP
/// with the production Intercom retry settings (<see cref="ResilienceOptions.ForIntercom"/>). Each must stop with one
/// ServiceUnavailable error, a summary and its state saved within two minutes, and the run after the outage must write
/// exactly the changed customers. The three sizes run at the same time: each takes up to a minute by nature.
/// </summary>
public class IntercomOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Promise = TimeSpan.FromMinutes(2);

    private static readonly string[] ContactRoutes =
    [
        "GET /contacts", "GET /contacts/{id}", "GET /contacts/find_by_external_id/{external_id}", "POST /contacts",
        "PUT /contacts/{id}", "POST /contacts/search", "POST /contacts/merge", "POST /contacts/{id}/archive",
    ];

    [Fact]
    public async Task Runs_of_1_5_and_50_customers_in_an_outage_stop_once_each_with_state_saved_within_two_minutes()
    {
        var runs = await Task.WhenAll(new[] { 1, 5, 50 }.Select(RunThroughOutageAsync));
        foreach (var line in runs)
        {
            output.WriteLine(line);
        }
    }

    private static async Task<string> RunThroughOutageAsync(int changedCount)
    {
        await using var rig = await EngineRig.StartAsync(customers: 60);
        var initial = await rig.RunJobAsync();
        Assert.False(initial.Outcome.Summary.Stopped);
        var cursorBefore = rig.State().Cursor;
        Assert.NotNull(cursorBefore);

        var customers = rig.Stripe.State.LiveCustomers();
        var changed
            = Enumerable.Range(0, changedCount).Select(i => customers[i * customers.Count / changedCount].Id).ToList();
        foreach (var id in changed)
        {
            rig.Stripe.State.ChangeCustomer(id, new FakeCustomerChange { Balance = 1900 + changed.IndexOf(id) });
        }

        foreach (var route in ContactRoutes)
        {
            rig.Intercom.State.ArmFault(FakeFaultKind.ServiceUnavailable503, 1_000_000, route);
        }

        rig.Intercom.State.ClearRequestLog();

        var clock = Stopwatch.StartNew();
        var during = await rig.RunJobAsync(intercomOptions: ResilienceOptions.ForIntercom());
        clock.Stop();

        var unavailable = Assert.IsType<ServiceUnavailableException>(during.Outcome.StopError);
        Assert.Equal("Intercom", unavailable.ServiceName);
        Assert.Contains("503", unavailable.Message);
        Assert.False(during.Outcome.Cancelled);
        Assert.True(clock.Elapsed < Promise,
            $"{changedCount} customers: the run took {clock.Elapsed.TotalSeconds:0} s to stop");
        // One error for the run: no customer failed on its own, and the summary says the run stopped and why.
        Assert.DoesNotContain(during.Results, r => r.Action == SyncAction.Failed);
        var summary = during.Outcome.Summary;
        Assert.True(summary.Stopped);
        Assert.False(summary.Succeeded);
        Assert.Equal("Incremental", summary.Mode);
        Assert.Contains("Intercom keeps failing", summary.StopReason);
        Assert.Empty(rig.CustomersWritten());
        // The state was saved: the cursor moved past the events, and every changed customer is on the retry list.
        var saved = rig.State();
        Assert.NotEqual((cursorBefore!.Created, cursorBefore.EventId), (saved.Cursor!.Created, saved.Cursor.EventId));
        Assert.Equal(changed.OrderBy(x => x), saved.RetryCustomerIds.OrderBy(x => x));
        var requestsDuring = rig.Intercom.State.Requests.Count;

        rig.Intercom.State.ClearFaults();
        rig.Intercom.State.ClearRequestLog();
        var after = await rig.RunJobAsync(intercomOptions: ResilienceOptions.ForIntercom());

        Assert.Null(after.Outcome.StopError);
        Assert.False(after.Outcome.Summary.Stopped);
        Assert.Equal(changed.OrderBy(x => x), after.Results.Select(r => r.CustomerId).OrderBy(x => x));
        Assert.All(after.Results, r => Assert.Equal(SyncAction.Updated, r.Action));
        Assert.Equal(changed.OrderBy(x => x), rig.CustomersWritten().OrderBy(x => x));
        Assert.Empty(rig.State().RetryCustomerIds);
        await rig.AssertIntercomMatchesStripeAsync();
        return $"{changedCount} changed customers: stopped after {clock.Elapsed.TotalSeconds:0.0} s "
            + $"and {requestsDuring} Intercom requests; {unavailable.Message}";
    }
}
