using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Tests.Intercom;
using Xunit;

namespace StripeIntercom.Tests.Fakes.Intercom;

public class FakeIntercomServerTests
{
    private static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(
        HttpClient http, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    private static async Task CreateAttributeAsync(HttpClient http, string name, string type)
    {
        var (status, _, _) = await SendAsync(http, HttpMethod.Post, "data_attributes",
            new { name, model = "contact", data_type = type, description = "test" });
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Rejects_a_missing_token_with_intercoms_401_body_and_rate_limit_headers()
    {
        await using var server = await IntercomTestServer.StartAsync(o => o.WindowLimit = 100);
        using var http = server.CreateRawClient(authenticated: false);

        var (status, body, response) = await SendAsync(http, HttpMethod.Get, "me");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("error.list", (string?)body!["type"]);
        Assert.Equal("unauthorized", (string?)body["errors"]![0]!["code"]);
        Assert.Equal("Access Token Invalid", (string?)body["errors"]![0]!["message"]);
        Assert.Equal("100", response.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.True(
            long.Parse(response.Headers.GetValues("X-RateLimit-Reset")
            .Single()) > DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1);
        Assert.Equal(1, server.State.VersionsSeen["2.14"]);
    }

    [Fact]
    public async Task
        Refuses_a_second_user_with_the_same_external_id_or_an_email_without_external_id_with_the_real_409()
    {
        await using var server = await IntercomTestServer.StartAsync();
        using var http = server.CreateRawClient();
        var (_, first, _) = await SendAsync(http, HttpMethod.Post, "contacts",
            new { role = "user", external_id = "cus_1", email = "a@example.test" });
        var id = (string)first!["id"]!;

        var (byExternalId, body, _) =
            await SendAsync(http, HttpMethod.Post, "contacts", new { role = "user", external_id = "cus_1" });
        var (byEmail, _, _) =
            await SendAsync(http, HttpMethod.Post, "contacts", new { role = "user", email = "A@example.test" });
        // Users may share an email when their external_ids differ, as an app's users do.
        var (sharing, _, _) = await SendAsync(http, HttpMethod.Post, "contacts",
            new { role = "user", external_id = "cus_2", email = "A@example.test" });
        var (_, second, _) =
            await SendAsync(http, HttpMethod.Post, "contacts", new { role = "user", external_id = "cus_3" });
        var (byUpdate, _, _) =
            await SendAsync(http, HttpMethod.Put, $"contacts/{second!["id"]}", new { external_id = "cus_1" });

        Assert.Equal(HttpStatusCode.Conflict, byExternalId);
        Assert.Equal(HttpStatusCode.Conflict, byEmail);
        Assert.Equal(HttpStatusCode.Conflict, byUpdate);
        Assert.Equal(HttpStatusCode.OK, sharing);
        Assert.Equal("conflict", (string?)body!["errors"]![0]!["code"]);
        Assert.Equal($"A contact matching those details already exists with id={id}",
            (string?)body["errors"]![0]!["message"]);
        Assert.NotNull(body["request_id"]);
        Assert.Equal(3, server.State.Contacts.Count);
    }

    [Fact]
    public async Task Refuses_unknown_custom_attributes_and_wrong_types_with_400()
    {
        await using var server = await IntercomTestServer.StartAsync();
        using var http = server.CreateRawClient();
        await CreateAttributeAsync(http, "stripe_mrr", "float");
        await CreateAttributeAsync(http, "seats", "integer");

        var (unknown, unknownBody, _) = await SendAsync(http, HttpMethod.Post, "contacts",
            new { external_id = "cus_1", custom_attributes = new { plan_tier = "gold" } });
        var (mismatch, mismatchBody, _) = await SendAsync(http, HttpMethod.Post, "contacts",
            new { external_id = "cus_1", custom_attributes = new { seats = "three" } });
        var (ok, okBody, _) = await SendAsync(http, HttpMethod.Post, "contacts",
            new { external_id = "cus_1", custom_attributes = new { seats = 3, stripe_mrr = 12.5 } });

        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Equal("parameter_invalid", (string?)unknownBody!["errors"]![0]!["code"]);
        Assert.Contains("plan_tier", (string?)unknownBody["errors"]![0]!["message"]);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch);
        Assert.Contains("seats", (string?)mismatchBody!["errors"]![0]!["message"]);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(3, (int)okBody!["custom_attributes"]!["seats"]!);
    }

    [Fact]
    public async Task Lists_contacts_in_cursor_pages_of_at_most_150()
    {
        await using var server = await IntercomTestServer.StartAsync();
        for (var i = 0; i < 320; i++)
        {
            server.State.Seed("user", $"cus_{i}", $"c{i}@example.test");
        }

        server.State.Seed("user", "cus_archived", null).Archived = true;
        using var http = server.CreateRawClient();

        var (tooBig, _, _) = await SendAsync(http, HttpMethod.Get, "contacts?per_page=151");
        var ids = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var (status, body, _) = await SendAsync(http, HttpMethod.Get,
                "contacts?per_page=150" + (cursor is null ? "" : "&starting_after=" + Uri.EscapeDataString(cursor)));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(320, (int)body!["total_count"]!);
            Assert.Equal(3, (int)body["pages"]!["total_pages"]!);
            ids.AddRange(body["data"]!.AsArray().Select(c => (string)c!["id"]!));
            cursor = (string?)body["pages"]!["next"]?["starting_after"];
            pages++;
        } while (cursor is not null);

        Assert.Equal(HttpStatusCode.BadRequest, tooBig);
        Assert.Equal(3, pages);
        Assert.Equal(320, ids.Distinct().Count());
    }

    [Fact]
    public async Task Search_only_sees_a_contact_after_the_lag_and_evaluates_nested_queries()
    {
        await using var server = await IntercomTestServer.StartAsync(o => o.SearchLagSeconds = 1);
        using var http = server.CreateRawClient();
        server.State.Seed("lead", null, "old@example.test", "Old Lead");
        await SendAsync(http, HttpMethod.Post, "contacts",
            new { role = "user", external_id = "cus_new", email = "new@example.test" });
        var query = new
        {
            query = new
            {
                @operator = "OR",
                value = new object[]
                {
                    new { field = "email", @operator = "=", value = "new@example.test" },
                    new { @operator = "AND",
                        value = new object[] { new { field = "role", @operator = "=", value = "lead" },
                        new { field = "name", @operator = "^", value = "Old" } } },
                },
            },
            pagination = new { per_page = 10 },
        };

        var (_, before, _) = await SendAsync(http, HttpMethod.Post, "contacts/search", query);
        await Task.Delay(1100);
        var (_, after, _) = await SendAsync(http, HttpMethod.Post, "contacts/search", query);

        Assert.Equal(1, (int)before!["total_count"]!);
        Assert.Equal("old@example.test", (string?)before["data"]![0]!["email"]);
        Assert.Equal(2, (int)after!["total_count"]!);
    }

    [Fact]
    public async Task Answers_429_with_intercoms_body_once_the_window_is_spent()
    {
        await using var server = await IntercomTestServer.StartAsync(o => o.WindowLimit = 3);
        using var http = server.CreateRawClient();
        var responses = new List<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)>();
        // 7 requests span at most two windows of 3, so at least one must be refused even if a window rolls over.
        for (var i = 0; i < 7; i++)
        {
            responses.Add(await SendAsync(http, HttpMethod.Get, "me"));
        }

        var refused = responses.First(r => r.Status == HttpStatusCode.TooManyRequests);
        Assert.Equal("error.list", (string?)refused.Body!["type"]);
        Assert.Equal("rate_limit_exceeded", (string?)refused.Body["errors"]![0]!["code"]);
        Assert.Equal("Too many requests", (string?)refused.Body["errors"]![0]!["message"]);
        Assert.Equal("3", refused.Response.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.Equal("0", refused.Response.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.Equal("2", responses[0].Response.Headers.GetValues("X-RateLimit-Remaining").Single());
    }

    [Fact]
    public async Task Injects_server_errors_aborts_and_lost_responses_on_the_chosen_route()
    {
        await using var server = await IntercomTestServer.StartAsync();
        using var http = server.CreateRawClient();
        server.State.ArmFault(FakeFaultKind.ServiceUnavailable503, 1, "GET /me");
        server.State.ArmFault(FakeFaultKind.Abort, 1, "GET /data_attributes");
        server.State.ArmFault(FakeFaultKind.LoseResponse, 1, "POST /contacts");

        var (unavailable, _, _) = await SendAsync(http, HttpMethod.Get, "me");
        var (recovered, _, _) = await SendAsync(http, HttpMethod.Get, "me");
        await Assert.ThrowsAsync<HttpRequestException>(() =>
            SendAsync(http, HttpMethod.Get, "data_attributes?model=contact"));
        await Assert.ThrowsAsync<HttpRequestException>(() =>
            SendAsync(http, HttpMethod.Post, "contacts", new { role = "user", external_id = "cus_lost" }));
        var (found, body, _) = await SendAsync(http, HttpMethod.Get, "contacts/find_by_external_id/cus_lost");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable);
        Assert.Equal(HttpStatusCode.OK, recovered);
        Assert.Equal(HttpStatusCode.OK, found);
        Assert.Equal("cus_lost", (string?)body!["external_id"]);
    }

    [Fact]
    public async Task Merges_a_lead_into_a_user_only()
    {
        await using var server = await IntercomTestServer.StartAsync();
        using var http = server.CreateRawClient();
        var lead = server.State.Seed("lead", null, "lead@example.test", "Lead Name");
        var user = server.State.Seed("user", "cus_1", null);

        var (wrongWay, _, _) =
            await SendAsync(http, HttpMethod.Post, "contacts/merge", new { from = user.Id, into = lead.Id });
        var (status, merged, _) =
            await SendAsync(http, HttpMethod.Post, "contacts/merge", new { from = lead.Id, into = user.Id });
        var (gone, _, _) = await SendAsync(http, HttpMethod.Get, $"contacts/{lead.Id}");

        Assert.Equal(HttpStatusCode.BadRequest, wrongWay);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("lead@example.test", (string?)merged!["email"]);
        Assert.Equal(HttpStatusCode.NotFound, gone);
    }

    [Fact]
    public async Task Finds_users_by_external_id_and_answers_404_error_list_otherwise()
    {
        await using var server = await IntercomTestServer.StartAsync();
        using var http = server.CreateRawClient();
        server.State.Seed("lead", "cus_lead", "lead@example.test");
        var user = server.State.Seed("user", "cus_user", "user@example.test");

        var (found, body, _) = await SendAsync(http, HttpMethod.Get, "contacts/find_by_external_id/cus_user");
        var (lead, leadBody, _) = await SendAsync(http, HttpMethod.Get, "contacts/find_by_external_id/cus_lead");
        var (archive, archived, _) = await SendAsync(http, HttpMethod.Post, $"contacts/{user.Id}/archive");
        var (afterArchive, _, _) = await SendAsync(http, HttpMethod.Get, "contacts/find_by_external_id/cus_user");

        Assert.Equal(HttpStatusCode.OK, found);
        Assert.Equal(user.Id, (string?)body!["id"]);
        Assert.Equal("contact", (string?)body["type"]);
        Assert.Equal(HttpStatusCode.NotFound, lead);
        Assert.Equal("not_found", (string?)leadBody!["errors"]![0]!["code"]);
        Assert.Equal(HttpStatusCode.OK, archive);
        Assert.True((bool)archived!["archived"]!);
        Assert.Equal(HttpStatusCode.NotFound, afterArchive);
    }

    [Fact]
    public async Task Limits_custom_attributes_and_refuses_duplicate_names()
    {
        await using var server = await IntercomTestServer.StartAsync(o => o.MaxCustomAttributes = 2);
        using var http = server.CreateRawClient();
        await CreateAttributeAsync(http, "a1", "string");

        var (duplicate, _, _) = await SendAsync(http, HttpMethod.Post, "data_attributes",
            new { name = "a1", model = "contact", data_type = "string" });
        await CreateAttributeAsync(http, "a2", "date");
        var (full, fullBody, _) = await SendAsync(http, HttpMethod.Post, "data_attributes",
            new { name = "a3", model = "contact", data_type = "string" });
        var (_, list, _) = await SendAsync(http, HttpMethod.Get, "data_attributes?model=contact");

        Assert.Equal(HttpStatusCode.BadRequest, duplicate);
        Assert.Equal(HttpStatusCode.BadRequest, full);
        Assert.Contains("limit", (string?)fullBody!["errors"]![0]!["message"]);
        Assert.Equal(2, list!["data"]!.AsArray().Count(a => (bool)a!["custom"]!));
    }

    [Fact]
    public async Task Control_surface_seeds_counts_arms_faults_and_resets_over_http()
    {
        await using var server = await IntercomTestServer.StartAsync();
        using var control = server.CreateRawClient(authenticated: false);
        using var http = server.CreateRawClient();

        var (seeded, _, _) = await SendAsync(control, HttpMethod.Post, "__control/contacts", new
        {
            contacts = new object[] { new { role = "user", email = "same@example.test" },
                new { role = "lead", email = "same@example.test" } },
        });
        await SendAsync(http, HttpMethod.Get, "contacts?per_page=10");
        await SendAsync(http, HttpMethod.Post, "contacts", new { role = "lead" });
        var (_, counters, _) = await SendAsync(control, HttpMethod.Get, "__control/counters");
        var (_, contacts, _) = await SendAsync(control, HttpMethod.Get, "__control/contacts");
        var (armed, _, _) = await SendAsync(control, HttpMethod.Post, "__control/faults",
            new { kind = "500", count = 1, route = "GET /me" });
        var (faulted, _, _) = await SendAsync(http, HttpMethod.Get, "me");
        await SendAsync(control, HttpMethod.Post, "__control/counters/reset");
        var (_, afterReset, _) = await SendAsync(control, HttpMethod.Get, "__control/counters");
        await SendAsync(control, HttpMethod.Post, "__control/reset");
        var (_, empty, _) = await SendAsync(control, HttpMethod.Get, "__control/contacts");

        Assert.Equal(HttpStatusCode.OK, seeded);
        Assert.Equal(2, (int)counters!["total"]!);
        Assert.Equal(1, (int)counters["writes"]!);
        Assert.Equal(1, (int)counters["routes"]!["GET /contacts"]!);
        Assert.Equal(1, (int)counters["routes"]!["POST /contacts"]!);
        Assert.Equal(3, contacts!["data"]!.AsArray().Count);
        Assert.False((bool)contacts["data"]![0]!["archived"]!);
        Assert.Equal(HttpStatusCode.OK, armed);
        Assert.Equal(HttpStatusCode.InternalServerError, faulted);
        Assert.Equal(0, (int)afterReset!["total"]!);
        Assert.Empty(empty!["data"]!.AsArray());
    }

    [Fact]
    public async Task Control_surface_changes_options_while_running()
    {
        await using var server = await IntercomTestServer.StartAsync();
        using var control = server.CreateRawClient(authenticated: false);

        var (status, body, _) = await SendAsync(control, HttpMethod.Post, "__control/options",
            new { window_limit = 5, search_lag_seconds = 0.25, allow_lead_to_user_update = false });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(5, server.Fake.Options.WindowLimit);
        Assert.Equal(0.25, server.Fake.Options.SearchLagSeconds);
        Assert.False(server.Fake.Options.AllowLeadToUserUpdate);
        Assert.Equal(5, (int)body!["window_limit"]!);
    }

    [Fact]
    public void Options_come_from_the_shared_command_line_and_ignore_the_stripe_flags()
    {
        var options = FakeIntercomOptions.FromArgs(
            ["--customers", "50", "--intercom-latency-ms", "25", "--intercom-window-limit", "0",
            "--intercom-token", "tok", "--search-lag-seconds", "0.5", "--seed", "7", "--intercom-latency-jitter-ms",
                "3"]);

        Assert.Equal(25, options.LatencyMs);
        Assert.Equal(0, options.WindowLimit);
        Assert.Equal("tok", options.AccessToken);
        Assert.Equal(0.5, options.SearchLagSeconds);
        Assert.Equal(3, options.LatencyJitterMs);
        Assert.Equal(250, new FakeIntercomOptions().MaxCustomAttributes);
        Assert.Equal(1666, new FakeIntercomOptions().WindowLimit);
    }

    [Fact]
    public async Task Lists_the_apps_synthetic_contacts_after_the_stored_ones_and_counts_them()
    {
        await using var server = await IntercomTestServer.StartAsync(o => o.SyntheticContacts = 400);
        server.State.Seed("user", "cus_1", "one@example.test");
        server.State.Seed("user", "cus_2", "two@example.test");
        var client = server.CreateClient();

        var first = await client.ListContactsPageAsync(150);
        var all = new List<StripeIntercom.Intercom.IntercomContact>();
        await foreach (var contact in client.ListContactsAsync())
        {
            all.Add(contact);
        }

        Assert.Equal(402, first.TotalCount);
        Assert.Equal(402, all.Count);
        Assert.Equal(402, all.Select(c => c.Id).Distinct().Count());
        Assert.Equal(new[] { "cus_1", "cus_2" }, all.Take(2).Select(c => c.ExternalId));
        Assert.All(all.Skip(2), c => Assert.StartsWith("app_synthetic_", c.ExternalId));
        Assert.Equal(2, server.State.Contacts.Count);
    }
}
