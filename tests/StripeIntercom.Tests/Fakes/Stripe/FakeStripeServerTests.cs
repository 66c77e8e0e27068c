using System.Text.Json;
using System.Text.Json.Nodes;
using StripeIntercom.Fakes.Stripe;
using Xunit;

namespace StripeIntercom.Tests.Fakes.Stripe;

public sealed class FakeStripeServerTests : IAsyncLifetime
{
    private FakeStripeServer _server = null!;
    private FakeStripeClient _client = null!;

    public async Task InitializeAsync()
    {
        _server =
            await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 120, RequestsPerSecond = 0 });
        _client = new FakeStripeClient(_server);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static IEnumerable<string> Ids(JsonObject list) => list["data"]!.AsArray().Select(o => (string)o!["id"]!);

    [Fact]
    public async Task Pages_walk_every_live_customer_newest_first_with_cursors()
    {
        var seen = new List<string>();
        string? after = null;
        JsonObject page;
        do
        {
            page = await _client.GetOkAsync("/v1/customers?limit=7" +
                (after is null ? "" : $"&starting_after={after}"));
            Assert.Equal("list", (string?)page["object"]);
            Assert.Equal("/v1/customers", (string?)page["url"]);
            seen.AddRange(Ids(page));
            after = seen[^1];
        } while ((bool)page["has_more"]!);

        var live = _server.State.LiveCustomers();
        Assert.Equal(live.Select(c => c.Id).Reverse(), seen);

        var before = await _client.GetOkAsync($"/v1/customers?limit=3&ending_before={seen[5]}");
        Assert.Equal(seen.Skip(2).Take(3), Ids(before));
        Assert.True((bool)before["has_more"]!);

        var (status, error, _) = await _client.GetAsync("/v1/customers?limit=101");
        Assert.Equal(400, status);
        Assert.Equal("limit", (string?)error["error"]!["param"]);
    }

    [Fact]
    public async Task Expand_replaces_ids_with_objects_and_respects_the_depth_limit()
    {
        var plain = await _client.GetOkAsync("/v1/customers?limit=100");
        Assert.All(plain["data"]!.AsArray(), c => Assert.Null(c!["subscriptions"]));
        var withCard =
            plain["data"]!.AsArray().First(c => c!["invoice_settings"]!["default_payment_method"] is not null)!;
        Assert.StartsWith("pm_", (string)withCard["invoice_settings"]!["default_payment_method"]!);

        var expanded = await _client.GetOkAsync(
            "/v1/customers?limit=100&expand%5B0%5D=data.subscriptions.data.latest_invoice" +
            "&expand%5B1%5D=data.invoice_settings.default_payment_method");
        var customer = expanded["data"]!.AsArray().First(c => (string?)c!["id"] == (string?)withCard["id"])!;
        Assert.Equal("payment_method", (string?)customer["invoice_settings"]!["default_payment_method"]!["object"]);
        var subscriptions = expanded["data"]!.AsArray().Select(c => c!["subscriptions"]!.AsObject()).ToList();
        Assert.All(subscriptions, s => Assert.Equal("list", (string?)s["object"]));
        var sub = subscriptions.SelectMany(s => s["data"]!.AsArray()).First()!;
        Assert.Equal("invoice", (string?)sub["latest_invoice"]!["object"]);
        Assert.Null(sub["plan"]);
        Assert.Null(sub["current_period_end"]);
        var item = sub["items"]!["data"]![0]!;
        Assert.NotNull(item["current_period_end"]);
        Assert.StartsWith("prod_", (string)item["price"]!["product"]!);

        var (status, error, _) =
            await _client.GetAsync("/v1/customers?expand[]=data.subscriptions.data.items.data.price.product");
        Assert.Equal(400, status);
        Assert.Contains("4 levels", (string)error["error"]!["message"]!);
        (status, _, _) = await _client.GetAsync("/v1/customers?expand[]=subscriptions");
        Assert.Equal(400, status);
    }

    [Fact]
    public async Task Filters_by_email_created_status_ids_and_event_types()
    {
        var target = _server.State.LiveCustomers().First(c => c.Email is not null);
        var byEmail = await _client.GetOkAsync($"/v1/customers?email={Uri.EscapeDataString(target.Email!)}");
        Assert.Equal([target.Id], Ids(byEmail));
        Assert.Empty(
            Ids(await _client.GetOkAsync(
            $"/v1/customers?email={Uri.EscapeDataString(target.Email!.ToUpperInvariant())}")));

        var live = _server.State.LiveCustomers();
        var (from, to) = (live[10].Created, live[30].Created);
        var range = await _client.GetOkAsync($"/v1/customers?limit=100&created%5Bgte%5D={from}&created%5Blt%5D={to}");
        Assert.Equal(live.Where(c => c.Created >= from && c.Created < to).Select(c => c.Id).Reverse(), Ids(range));

        var all = await _client.GetOkAsync("/v1/subscriptions?limit=100&status=all");
        var current = await _client.GetOkAsync("/v1/subscriptions?limit=100");
        Assert.Contains(all["data"]!.AsArray(), s => (string?)s!["status"] == "canceled");
        Assert.DoesNotContain(current["data"]!.AsArray(), s => (string?)s!["status"] == "canceled");
        var pastDue = await _client.GetOkAsync("/v1/subscriptions?status=past_due&limit=100");
        Assert.All(pastDue["data"]!.AsArray(), s => Assert.Equal("past_due", (string?)s!["status"]));

        var products = await _client.GetOkAsync("/v1/products?limit=100");
        Assert.InRange(products["data"]!.AsArray().Count, 8, 12);
        var two = Ids(products).Take(2).ToList();
        Assert.Equal(two, Ids(await _client.GetOkAsync($"/v1/products?ids%5B0%5D={two[0]}&ids%5B1%5D={two[1]}")));

        var deletedEvents = await _client.GetOkAsync("/v1/events?types%5B0%5D=customer.deleted&limit=100");
        Assert.Equal(_server.State.DeletedCustomers().Count, deletedEvents["data"]!.AsArray().Count);
        var created = deletedEvents["data"]!.AsArray().Select(e => (long)e!["created"]!).ToList();
        Assert.Equal(created.OrderByDescending(c => c), created);

        var invoices = await _client.GetOkAsync(
            $"/v1/invoices?customer={live.First(c => _server.State.SubscriptionsOf(c.Id).Count > 0).Id}");
        Assert.NotEmpty(invoices["data"]!.AsArray());
        Assert.NotNull(invoices["data"]![0]!["parent"]!["subscription_details"]!["subscription"]);
    }

    [Fact]
    public async Task Deleted_customers_answer_deleted_by_id_and_stay_out_of_lists()
    {
        var deleted = _server.State.DeletedCustomers();
        Assert.NotEmpty(deleted);
        var body = await _client.GetOkAsync($"/v1/customers/{deleted[0].Id}");
        Assert.True((bool)body["deleted"]!);
        Assert.Equal(3, body.Count);
        var all = await _client.GetOkAsync("/v1/customers?limit=100");
        Assert.DoesNotContain(deleted[0].Id, Ids(all));
        var (status, missing, _) = await _client.GetAsync("/v1/customers/cus_doesnotexist");
        Assert.Equal(404, status);
        Assert.Equal("resource_missing", (string?)missing["error"]!["code"]);
    }

    [Fact]
    public async Task Wrong_key_gets_401_with_the_key_masked_like_stripe()
    {
        using var wrong = new FakeStripeClient(_server, "sk_test_wrongwrongwrong1234");
        var (status, body, _) = await wrong.GetAsync("/v1/customers");
        Assert.Equal(401, status);
        var message = (string)body["error"]!["message"]!;
        Assert.Equal("invalid_request_error", (string?)body["error"]!["type"]);
        Assert.StartsWith("Invalid API Key provided: sk_test_", message);
        Assert.EndsWith("1234", message);
        Assert.DoesNotContain("wrongwrong", message);
    }

    [Fact]
    public async Task Rate_limit_answers_429_without_should_retry()
    {
        await using var server =
            await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 5, RequestsPerSecond = 3 });
        using var client = new FakeStripeClient(server);
        var results = new List<(int Status, JsonObject Body, HttpResponseMessage Response)>();
        for (var i = 0; i < 6; i++)
        {
            results.Add(await client.GetAsync("/v1/customers?limit=1"));
        }

        var limited = results.Where(r => r.Status == 429).ToList();
        Assert.InRange(limited.Count, 1, 3);
        Assert.Equal("rate_limit", (string?)limited[0].Body["error"]!["code"]);
        Assert.False(limited[0].Response.Headers.Contains("Stripe-Should-Retry"));
        Assert.Equal(6, server.Counters.Total);
    }

    [Fact]
    public async Task Injected_faults_fail_the_next_requests_on_a_route()
    {
        await using var server =
            await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 5, RequestsPerSecond = 0 });
        using var client = new FakeStripeClient(server);
        await client.ControlAsync("/__control/faults", new { count = 2, status = 503, route = "GET /v1/customers" });
        Assert.Equal(200, (await client.GetAsync("/v1/products")).Status);
        Assert.Equal(503, (await client.GetAsync("/v1/customers")).Status);
        Assert.Equal(503, (await client.GetAsync("/v1/customers")).Status);
        Assert.Equal(200, (await client.GetAsync("/v1/customers")).Status);

        server.Faults.Inject(1, resetConnection: true);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/v1/customers"));
        Assert.Equal(200, (await client.GetAsync("/v1/customers")).Status);
    }

    [Fact]
    public async Task Counters_group_by_route_template_and_reset()
    {
        await using var server =
            await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 5, RequestsPerSecond = 0 });
        using var client = new FakeStripeClient(server);
        var id = server.State.LiveCustomers()[0].Id;
        await client.GetOkAsync($"/v1/customers/{id}");
        await client.GetOkAsync("/v1/customers");
        await client.GetOkAsync("/v1/customers?limit=2");
        var counters = await client.ControlAsync("GET /__control/counters");
        Assert.Equal(3, (long)counters["total"]!);
        Assert.Equal(2, (long)counters["routes"]!["GET /v1/customers"]!);
        Assert.Equal(1, (long)counters["routes"]!["GET /v1/customers/{id}"]!);
        await client.ControlAsync("/__control/counters/reset");
        Assert.Equal(0, server.Counters.Total);
    }

    [Fact]
    public async Task Changes_through_the_control_surface_emit_matching_events()
    {
        await using var server =
            await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 40, RequestsPerSecond = 0 });
        using var client = new FakeStripeClient(server);
        var customer =
            server.State.LiveCustomers().First(c => server.State.SubscriptionsOf(c.Id).Any(s => s.Status == "active"));
        var oldEmail = customer.Email;

        var changed = await client.ControlAsync($"/__control/customers/{customer.Id}/change",
            new { email = "new@example.com", subscription_status = "past_due" });
        Assert.Equal(["customer.updated", "customer.subscription.updated", "invoice.payment_failed"],
            changed["events"]!.AsArray().Select(e => (string)e!).ToArray());

        var updated = await client.GetOkAsync("/v1/events?type=customer.updated&limit=1");
        Assert.Equal("new@example.com", (string?)updated["data"]![0]!["data"]!["object"]!["email"]);
        Assert.Equal(oldEmail, (string?)updated["data"]![0]!["data"]!["previous_attributes"]!["email"]);
        var failed = await client.GetOkAsync("/v1/events?type=invoice.payment_failed&limit=1");
        Assert.Equal(customer.Id, (string?)failed["data"]![0]!["data"]!["object"]!["customer"]);
        var raw = await client.ControlAsync($"GET /__control/customers/{customer.Id}");
        Assert.True((bool)raw["customer"]!["delinquent"]!);

        await client.ControlAsync($"/__control/customers/{customer.Id}/delete");
        Assert.True((bool)(await client.GetOkAsync($"/v1/customers/{customer.Id}"))["deleted"]!);
        var deletedEvent = await client.GetOkAsync("/v1/events?types[]=customer.deleted&limit=1");
        Assert.Equal(customer.Id, (string?)deletedEvent["data"]![0]!["data"]!["object"]!["id"]);

        var created =
            await client.ControlAsync("/__control/customers", new { email = "fresh@example.com", name = "Fresh" });
        var newId = (string)created["customer"]!["id"]!;
        Assert.Equal(newId, Ids(await client.GetOkAsync("/v1/customers?limit=1")).Single());
        Assert.Equal("customer.created", (string?)(await client.GetOkAsync("/v1/events?limit=1"))["data"]![0]!["type"]);

        var random = await client.ControlAsync("/__control/change-random", new { count = 5, seed = 3 });
        Assert.Equal(5, random["changed"]!.AsArray().Select(i => (string)i!).Distinct().Count());
    }

    [Fact]
    public void Generator_is_deterministic_for_a_seed_and_varied()
    {
        var now = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        string Dump(FakeStripeData d) => JsonSerializer.Serialize(new
        {
            customers = d.Customers.Select(FakeStripeJson.Customer),
            subscriptions = d.Subscriptions.Select(s => FakeStripeJson.Subscription(s, d)),
            invoices = d.Invoices.Select(FakeStripeJson.Invoice),
            events = d.Events.Select(FakeStripeJson.Event),
        });
        var a = FakeStripeGenerator.Generate(7, 500, now);
        Assert.Equal(Dump(a), Dump(FakeStripeGenerator.Generate(7, 500, now)));
        Assert.NotEqual(Dump(a), Dump(FakeStripeGenerator.Generate(8, 500, now)));

        Assert.Contains(a.Customers, c => c.Email is null && !c.Deleted);
        Assert.Contains(a.Customers, c => c.Name is null && !c.Deleted);
        Assert.Contains(a.Customers, c => c.Balance < 0);
        Assert.Contains(a.Customers, c => c.Delinquent);
        Assert.Contains(a.Customers, c => c.Deleted);
        foreach (var status in new[] { "trialing", "active", "past_due", "canceled", "paused", "unpaid" })
        {
            Assert.Contains(a.Subscriptions, s => s.Status == status);
        }

        Assert.Equal(["eur", "gbp", "jpy", "usd"],
            a.Subscriptions.Select(s => s.Currency).Distinct().Order().ToArray());
        Assert.Contains(a.Subscriptions, s => s.Items.Count > 1);
        Assert.Contains(a.Subscriptions, s => s.CancelAtPeriodEnd);
        Assert.Contains(a.Prices, p => p.Recurring.Interval == "week" && p.Recurring.IntervalCount == 2);
        Assert.Contains(a.Prices, p => p.Nickname is null);
        Assert.Contains(a.Invoices, i => i.Status == "open" && i.AttemptCount > 0 && i.NextPaymentAttempt is not null);
        Assert.Contains(a.Invoices, i => i.Status == "draft");
        Assert.Contains(a.Customers, c => a.SubscriptionsOf(c.Id).Select(s => s.Currency).Distinct().Count() > 1);
        Assert.Contains(a.Subscriptions, s => s.DefaultPaymentMethod is not null);
    }

    [Fact]
    public async Task Embedded_subscriptions_stop_at_ten_with_has_more_and_latency_delays_requests()
    {
        await using var server =
            await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 1500, RequestsPerSecond = 0 });
        using var client = new FakeStripeClient(server);
        var many = server.State.LiveCustomers()
            .First(c => server.State.SubscriptionsOf(c.Id).Count(FakeStripeJson.IsCurrent) > 10);
        var customer = await client.GetOkAsync($"/v1/customers/{many.Id}?expand%5B0%5D=subscriptions");
        Assert.Equal(10, customer["subscriptions"]!["data"]!.AsArray().Count);
        Assert.True((bool)customer["subscriptions"]!["has_more"]!);
        var all = await client.GetOkAsync($"/v1/subscriptions?customer={many.Id}&limit=100");
        Assert.Equal(server.State.SubscriptionsOf(many.Id).Count(FakeStripeJson.IsCurrent),
            all["data"]!.AsArray().Count);

        server.Options.LatencyMs = 150;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await client.GetOkAsync("/v1/products");
        Assert.True(watch.ElapsedMilliseconds >= 140, $"{watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Options_read_their_flags_and_ignore_other_fakes_flags()
    {
        var options = FakeStripeOptions.FromArgs(
            ["--intercom-token", "t", "--customers", "2000", "--seed", "9", "--stripe-latency-ms", "15", "--stripe-key",
            "sk_test_x", "--stripe-rps", "0", "--latency-ms", "3"]);
        Assert.Equal((2000, 9, 15, "sk_test_x", 0),
            (options.CustomerCount, options.Seed, options.LatencyMs, options.ApiKey, options.RequestsPerSecond));
        var defaults = FakeStripeOptions.FromArgs([]);
        Assert.Equal((200, 42, 25, 0, "sk_test_fake_stripe_key"),
            (defaults.CustomerCount, defaults.Seed, defaults.RequestsPerSecond, defaults.LatencyMs, defaults.ApiKey));
    }
}
