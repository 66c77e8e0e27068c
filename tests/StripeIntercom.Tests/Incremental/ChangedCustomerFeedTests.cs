using StripeIntercom.Incremental;
using Xunit;
using static StripeIntercom.Tests.Incremental.ScriptedEventsServer;

namespace StripeIntercom.Tests.Incremental;

public class ChangedCustomerFeedTests
{
    private const long T0 = 1_795_000_000;
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(T0 + 3600);

    private static ChangedCustomerFeed Feed(ScriptedEventsServer server) =>
        new(server.CreateClient(), utcNow: () => Now);

    [Fact]
    public async Task
        Sends_created_gte_a_look_back_before_the_cursor_and_no_types_filter_and_pages_until_has_more_is_false()
    {
        var events = Enumerable.Range(1, 250)
            .Select(i => Event($"evt_{i:D4}", "customer.updated", T0 + i, Customer($"cus_{i % 7}")))
            .ToArray();
        await using var server = await StartAsync(events);

        var changed = await Feed(server).ReadSinceAsync(new EventCursor(T0, null));

        Assert.Equal(250, changed.EventsRead);
        Assert.Equal(7, changed.Customers.Count);
        var queries = server.Queries.ToList();
        Assert.Equal(3, queries.Count);
        Assert.All(queries, q =>
        {
            Assert.Equal((T0 - (long)ChangedCustomerFeed.DefaultLookBack.TotalSeconds).ToString(),
                (string?)q["created[gte]"]);
            Assert.Equal("100", (string?)q["limit"]);
            Assert.DoesNotContain(q.Keys, k => k.StartsWith("type"));
        });
        Assert.False(queries[0].ContainsKey("starting_after"));
        Assert.Equal("evt_0151", (string?)queries[1]["starting_after"]);
        Assert.Equal("evt_0051", (string?)queries[2]["starting_after"]);
    }

    [Fact]
    public async Task Many_events_for_one_customer_become_one_entry_with_its_latest_time()
    {
        await using var server = await StartAsync(
            Event("evt_1", "customer.updated", T0 + 1, Customer("cus_a")),
            Event("evt_2", "invoice.paid", T0 + 2, Owned("invoice", "in_1", "cus_a")),
            Event("evt_3", "customer.subscription.updated", T0 + 3, Owned("subscription", "sub_1", "cus_a")),
            Event("evt_4", "payment_method.attached", T0 + 4, Owned("payment_method", "pm_1", "cus_b")),
            Event("evt_5", "customer.discount.created", T0 + 5, Owned("discount", "di_1", "cus_a")));

        var changed = await Feed(server).ReadSinceAsync(new EventCursor(T0, null));

        Assert.Equal(new[] { "cus_b", "cus_a" }, changed.Customers.Select(c => c.Id));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(T0 + 5), changed.Customers[1].LatestEventAt);
        Assert.All(changed.Customers, c => Assert.False(c.Deleted));
    }

    [Fact]
    public async Task Deleted_customer_is_marked_unless_created_again_later()
    {
        await using var server = await StartAsync(
            Event("evt_1", "customer.updated", T0 + 1, Customer("cus_gone")),
            Event("evt_2", "customer.deleted", T0 + 2, Customer("cus_gone")),
            Event("evt_3", "customer.deleted", T0 + 3, Customer("cus_back")),
            Event("evt_4", "customer.created", T0 + 4, Customer("cus_back")),
            Event("evt_5", "customer.updated", T0 + 5, Customer("cus_alive")));

        var changed = await Feed(server).ReadSinceAsync(new EventCursor(T0, null));

        var byId = changed.Customers.ToDictionary(c => c.Id);
        Assert.True(byId["cus_gone"].Deleted);
        Assert.False(byId["cus_back"].Deleted);
        Assert.False(byId["cus_alive"].Deleted);
    }

    [Fact]
    public async Task Events_without_a_customer_and_unrelated_types_are_counted_but_yield_nothing()
    {
        await using var server = await StartAsync(
            Event("evt_1", "invoice.created", T0 + 1, Owned("invoice", "in_1", null)),
            Event("evt_2", "payment_method.detached", T0 + 2, Owned("payment_method", "pm_1", null)),
            Event("evt_3", "charge.succeeded", T0 + 3, Owned("charge", "ch_1", "cus_x")),
            Event("evt_4", "invoice.paid", T0 + 4, Owned("invoice", "in_2", "cus_y")));

        var changed = await Feed(server).ReadSinceAsync(new EventCursor(T0, null));

        Assert.Equal(4, changed.EventsRead);
        Assert.Equal("cus_y", Assert.Single(changed.Customers).Id);
    }

    [Fact]
    public async Task New_cursor_is_the_newest_event_and_the_old_cursor_event_is_skipped()
    {
        await using var server = await StartAsync(
            Event("evt_old", "customer.updated", T0, Customer("cus_done")),
            Event("evt_same_second", "customer.updated", T0, Customer("cus_same_second")),
            Event("evt_new", "invoice.paid", T0 + 9, Owned("invoice", "in_1", "cus_new")),
            Event("evt_mid", "customer.updated", T0 + 5, Customer("cus_mid")));

        var changed = await Feed(server).ReadSinceAsync(new EventCursor(T0, "evt_old"));

        Assert.Equal("evt_new", changed.NewCursor.EventId);
        Assert.Equal(T0 + 9, changed.NewCursor.Created);
        Assert.Equal(3, changed.EventsRead);
        Assert.Equal(new[] { "cus_same_second", "cus_mid", "cus_new" }, changed.Customers.Select(c => c.Id));
    }

    [Fact]
    public async Task No_events_keeps_the_cursor()
    {
        await using var server = await StartAsync();
        var cursor = new EventCursor(T0, "evt_last");

        var changed = await Feed(server).ReadSinceAsync(cursor);

        Assert.Equal(cursor.Created, changed.NewCursor.Created);
        Assert.Equal(cursor.EventId, changed.NewCursor.EventId);
        Assert.Empty(changed.Customers);
        Assert.False(changed.CursorTooOld);
    }

    [Fact]
    public async Task Cursor_near_the_30_day_retention_is_too_old_and_nothing_is_read()
    {
        await using var server = await StartAsync(Event("evt_1", "customer.updated", T0, Customer("cus_a")));
        var feed = Feed(server);
        var tooOld = new EventCursor((Now - TimeSpan.FromDays(29.5)).ToUnixTimeSeconds(), "evt_0");
        var fine = new EventCursor((Now - TimeSpan.FromDays(28.5)).ToUnixTimeSeconds(), "evt_0");

        var changed = await feed.ReadSinceAsync(tooOld);

        Assert.True(changed.CursorTooOld);
        Assert.Empty(changed.Customers);
        Assert.Empty(server.Queries);
        Assert.False(feed.IsTooOld(fine));
    }

    [Fact]
    public async Task Capture_cursor_takes_the_newest_event()
    {
        await using var server = await StartAsync(
            Event("evt_1", "customer.updated", T0 + 1, Customer("cus_a")),
            Event("evt_2", "charge.succeeded", T0 + 2, Owned("charge", "ch_1", "cus_a")));

        var cursor = await Feed(server).CaptureCursorAsync();

        Assert.Equal("evt_2", cursor.EventId);
        Assert.Equal(T0 + 2, cursor.Created);
        Assert.Equal(new[] { "evt_1", "evt_2" }, cursor.RecentEvents.Keys.OrderBy(k => k));
        Assert.Single(server.Queries);
    }

    [Fact]
    public async Task Events_of_the_cursor_second_already_processed_are_not_read_again()
    {
        await using var server = await StartAsync(
            Event("evt_3", "customer.updated", T0 + 5, Customer("cus_c")),
            Event("evt_2", "customer.updated", T0 + 5, Customer("cus_b")),
            Event("evt_1", "customer.updated", T0 + 5, Customer("cus_a")));
        var feed = Feed(server);
        var first = await feed.ReadSinceAsync(new EventCursor(T0 + 1, null));
        Assert.Equal(3, first.Customers.Count);
        Assert.Equal(new[] { "evt_1", "evt_2", "evt_3" }, first.NewCursor.RecentEvents.Keys.OrderBy(k => k));

        var second = await feed.ReadSinceAsync(first.NewCursor);

        Assert.Empty(second.Customers);
        Assert.Equal(0, second.EventsRead);
        Assert.Equal(first.NewCursor.RecentEvents.Keys.OrderBy(k => k),
            second.NewCursor.RecentEvents.Keys.OrderBy(k => k));
    }

    [Fact]
    public async Task An_event_that_becomes_visible_late_with_an_older_time_is_read_by_the_next_run_and_only_once()
    {
        await using var server = await StartAsync(
            Event("evt_2", "customer.updated", T0 + 60, Customer("cus_b")),
            Event("evt_1", "customer.updated", T0 + 50, Customer("cus_a")));
        var feed = Feed(server);
        var first = await feed.ReadSinceAsync(new EventCursor(T0, null));
        Assert.Equal(new[] { "cus_a", "cus_b" }, first.Customers.Select(c => c.Id).OrderBy(id => id));
        Assert.Equal(T0 + 60, first.NewCursor.Created);

        // Listed only now, though Stripe stamped it before the cursor.
        server.Add(Event("evt_late", "customer.updated", T0 + 40, Customer("cus_late")));
        var second = await feed.ReadSinceAsync(first.NewCursor);

        Assert.Equal(new[] { "cus_late" }, second.Customers.Select(c => c.Id));
        Assert.Equal(1, second.EventsRead);
        Assert.Equal(T0 + 60, second.NewCursor.Created);

        var third = await feed.ReadSinceAsync(second.NewCursor);
        Assert.Empty(third.Customers);
        Assert.Equal(0, third.EventsRead);
    }

    [Fact]
    public async Task Remembered_events_older_than_the_look_back_are_forgotten()
    {
        await using var server = await StartAsync(
            Event("evt_new", "customer.updated", T0 + 1000, Customer("cus_b")),
            Event("evt_old", "customer.updated", T0 + 10, Customer("cus_a")));
        var cursor = (await Feed(server).ReadSinceAsync(new EventCursor(T0, null))).NewCursor;

        Assert.Equal(new[] { "evt_new" }, cursor.RecentEvents.Keys);
    }
}
