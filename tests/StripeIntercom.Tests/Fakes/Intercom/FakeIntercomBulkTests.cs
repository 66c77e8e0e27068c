using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Intercom;
using StripeIntercom.Tests.Intercom;
using Xunit;

namespace StripeIntercom.Tests.Fakes.Intercom;

/// <summary>The fake's Preview bulk jobs, over HTTP through the real client.</summary>
public class FakeIntercomBulkTests
{
    private static Task<IntercomTestServer> StartAsync(Action<FakeIntercomOptions>? configure = null) =>
        IntercomTestServer.StartAsync(o =>
        {
            o.BulkJobDelayMs = 50;
            configure?.Invoke(o);
        });

    private static async Task<IntercomBulkJob> WaitUntilFinishedAsync(Func<Task<IntercomBulkJob>> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var job = await read();
            if (job.IsFinished || DateTime.UtcNow > deadline)
            {
                return job;
            }

            await Task.Delay(25);
        }
    }

    private static IReadOnlyList<FakeBulkItem> Items(IntercomTestServer server, string jobId) =>
        server.State.BulkJobs.Single(j => j.Id == jobId).Tasks.SelectMany(t => t.Items).ToList();

    [Fact]
    public async Task Strict_create_rejects_existing_external_ids_and_emails_and_creates_the_rest()
    {
        await using var server = await StartAsync();
        var client = server.CreateClient();
        server.State.Seed("user", "cus_exists", "exists@example.test");
        server.State.Seed(new JsonObject
        {
            ["role"] = "user",
            ["external_id"] = "cus_archived",
            ["email"] = "archived@example.test",
            ["archived"] = true,
        });

        var accepted = await client.CreateContactsInBulkAsync(new[]
        {
            new IntercomContactWrite { Role = "user", ExternalId = "cus_new_1", Email = "new1@example.test" },
            new IntercomContactWrite { Role = "user", ExternalId = "cus_exists", Email = "other@example.test" },
            new IntercomContactWrite { Role = "user", ExternalId = "cus_new_3", Email = "ARCHIVED@example.test" },
            new IntercomContactWrite { Role = "user", ExternalId = "cus_new_2", Name = "Two" },
        });

        Assert.Equal("contacts.bulk.job", accepted.Type);
        Assert.Equal(IntercomBulkJobState.Pending, accepted.State);
        Assert.Null(accepted.CompletedAt);
        Assert.Equal(4, Assert.Single(accepted.Tasks).ItemCount);
        var done = await WaitUntilFinishedAsync(() => client.GetContactsBulkJobAsync(accepted.Id));
        Assert.Equal(IntercomBulkJobState.CompletedWithErrors, done.State);
        Assert.NotNull(done.CompletedAt);
        Assert.Equal(IntercomBulkJobState.CompletedWithErrors, Assert.Single(done.Tasks).State);
        Assert.NotNull(await client.FindContactByExternalIdAsync("cus_new_1"));
        Assert.NotNull(await client.FindContactByExternalIdAsync("cus_new_2"));
        Assert.Null(await client.FindContactByExternalIdAsync("cus_new_3"));
        Assert.Equal(["created", "rejected", "rejected", "created"],
            Items(server, accepted.Id).Select(i => i.Outcome).ToArray());
        Assert.All(Items(server, accepted.Id).Where(i => i.Outcome == "rejected"),
            i => Assert.Equal("conflict", i.ErrorCode));

        // Only the bulk requests went under Preview, and they were counted under their routes on both sides.
        Assert.True(server.State.VersionsSeen[IntercomClient.PreviewApiVersion] >= 2);
        Assert.Equal(3, server.State.VersionsSeen[IntercomClient.ApiVersion]);
        Assert.Equal(1, server.State.Counters["POST /contacts/bulk"]);
        Assert.True(server.State.Counters["GET /contacts/bulk/{id}"] >= 1);
        Assert.Equal(1, client.ApiCalls.ByRoute["POST /contacts/bulk"]);
        Assert.Equal(client.ApiCalls.ByRoute["GET /contacts/bulk/{id}"],
            server.State.Counters["GET /contacts/bulk/{id}"]);
    }

    [Fact]
    public async Task Bulk_update_changes_contacts_by_id_and_rejects_an_unknown_id()
    {
        await using var server = await StartAsync();
        var client = server.CreateClient();
        var one = await client.CreateContactAsync(new IntercomContactWrite { Role = "user", ExternalId = "cus_u1" });
        var two = await client.CreateContactAsync(new IntercomContactWrite { Role = "user", ExternalId = "cus_u2" });

        var accepted = await client.UpdateContactsInBulkAsync(new[]
        {
            (one.Id, new IntercomContactWrite { Name = "One", Email = "one@example.test" }),
            ("6762f0dd0000000000000fff", new IntercomContactWrite { Name = "Nobody" }),
            (two.Id, new IntercomContactWrite { Name = "Two" }),
        });
        var done = await WaitUntilFinishedAsync(() => client.GetContactsBulkJobAsync(accepted.Id));

        Assert.Equal(IntercomBulkJobState.CompletedWithErrors, done.State);
        var first = await client.GetContactAsync(one.Id);
        Assert.Equal("One", first.Name);
        Assert.Equal("one@example.test", first.Email);
        Assert.Equal("Two", (await client.GetContactAsync(two.Id)).Name);
        Assert.Equal(["updated", "rejected", "updated"], Items(server, accepted.Id).Select(i => i.Outcome).ToArray());
        Assert.Equal(1, server.State.Counters["PUT /contacts/bulk"]);
        await Assert.ThrowsAsync<ArgumentException>(() => client.UpdateContactsInBulkAsync(
            new[] { (one.Id, new IntercomContactWrite { Role = "user" }) }));
    }

    [Fact]
    public async Task Appends_to_an_open_job_and_gets_403_once_it_is_closed()
    {
        await using var server = await StartAsync(o => o.BulkJobOpenMs = 400);
        var client = server.CreateClient();

        var job = await client.CreateContactsInBulkAsync(
            new[] { new IntercomContactWrite { Role = "user", ExternalId = "cus_a1" } });
        var appended = await client.CreateContactsInBulkAsync(
            new[] { new IntercomContactWrite { Role = "user", ExternalId = "cus_a2" } }, job.Id);

        Assert.Equal(job.Id, appended.Id);
        Assert.Equal(2, appended.Tasks.Count);
        var done = await WaitUntilFinishedAsync(() => client.GetContactsBulkJobAsync(job.Id));
        Assert.Equal(IntercomBulkJobState.Completed, done.State);
        Assert.All(done.Tasks, t => Assert.Equal(IntercomBulkJobState.Completed, t.State));
        Assert.NotNull(await client.FindContactByExternalIdAsync("cus_a2"));

        await Task.Delay(500);
        var closed = await Assert.ThrowsAsync<IntercomApiException>(() => client.CreateContactsInBulkAsync(
            new[] { new IntercomContactWrite { Role = "user", ExternalId = "cus_a3" } }, job.Id));
        Assert.Equal(HttpStatusCode.Forbidden, closed.StatusCode);
        Assert.Equal("forbidden", closed.ErrorCode);
        Assert.Contains($"job {job.Id} is closed for new task updates", closed.Message);

        var unknown = await Assert.ThrowsAsync<IntercomApiException>(() => client.CreateContactsInBulkAsync(
            new[] { new IntercomContactWrite { Role = "user", ExternalId = "cus_a4" } }, "job_v2_999"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("job_not_found", unknown.ErrorCode);
        // A contacts job is not a companies job.
        var wrongFamily =
            await Assert.ThrowsAsync<IntercomApiException>(() => client.GetCompaniesBulkJobAsync(job.Id));
        Assert.Equal("job_not_found", wrongFamily.ErrorCode);
    }

    [Fact]
    public async Task A_lost_job_is_accepted_and_stays_pending_without_creating_anything()
    {
        await using var server = await StartAsync();
        var client = server.CreateClient();
        // No route given: the fault still waits for a bulk write, so the lookup before it is untouched.
        server.State.ArmFault(FakeFaultKind.LoseBulkJob);
        Assert.Null(await client.FindContactByExternalIdAsync("cus_lost"));

        var job = await client.CreateContactsInBulkAsync(
            new[] { new IntercomContactWrite { Role = "user", ExternalId = "cus_lost" } });
        await Task.Delay(400);

        var later = await client.GetContactsBulkJobAsync(job.Id);
        Assert.Equal(IntercomBulkJobState.Pending, later.State);
        Assert.Null(later.Tasks.Single().StartedAt);
        Assert.Null(await client.FindContactByExternalIdAsync("cus_lost"));
        Assert.True(server.State.BulkJobs.Single().Tasks.Single().Lost);
    }

    [Fact]
    public async Task The_client_refuses_101_items_or_none_before_sending_anything()
    {
        await using var server = await StartAsync();
        var client = server.CreateClient();
        var tooMany = Enumerable.Range(0, 101)
            .Select(i => new IntercomContactWrite { Role = "user", ExternalId = "cus_many_" + i }).ToList();

        await Assert.ThrowsAsync<ArgumentException>(() => client.CreateContactsInBulkAsync(tooMany));
        await Assert.ThrowsAsync<ArgumentException>(
            () => client.CreateContactsInBulkAsync(Array.Empty<IntercomContactWrite>()));
        await Assert.ThrowsAsync<ArgumentException>(() => client.UpsertCompaniesInBulkAsync(
            Enumerable.Range(0, 101).Select(i => new IntercomCompanyWrite { CompanyId = "c" + i }).ToList()));
        Assert.Equal(0, client.ApiCalls.Total);
        Assert.Equal(0, server.State.Counters.Total);

        // The fake holds the line too, with the description's 422.
        using var http = server.CreateRawClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "contacts/bulk")
        {
            Content = JsonContent.Create(new { contacts = tooMany }),
        };
        request.Headers.Remove("Intercom-Version");
        request.Headers.Add("Intercom-Version", "Preview");
        var response = await http.SendAsync(request);
        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.Contains("maximum number of contacts per request is 100", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bulk_routes_need_the_preview_version()
    {
        await using var server = await StartAsync();
        using var http = server.CreateRawClient();

        var response = await http.PostAsJsonAsync("contacts/bulk",
            new { contacts = new[] { new { external_id = "cus_v" } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("intercom_version_invalid", (string?)body["errors"]![0]!["code"]);
        Assert.Contains("2.14", (string?)body["errors"]![0]!["message"]);
        Assert.Empty(server.State.BulkJobs);
        Assert.Equal(1, server.State.Counters["POST /contacts/bulk"]);
    }

    [Fact]
    public async Task Companies_are_created_or_updated_by_company_id_in_bulk()
    {
        await using var server = await StartAsync();
        var client = server.CreateClient();
        await client.UpsertCompanyAsync(new IntercomCompanyWrite { CompanyId = "co_old", Name = "Old name" });

        var accepted = await client.UpsertCompaniesInBulkAsync(new[]
        {
            new IntercomCompanyWrite { CompanyId = "co_old", Name = "New name" },
            new IntercomCompanyWrite { CompanyId = "co_new", Name = "Brand new", MonthlySpend = 12 },
        });
        Assert.Equal("companies.bulk.job", accepted.Type);
        var done = await WaitUntilFinishedAsync(() => client.GetCompaniesBulkJobAsync(accepted.Id));

        Assert.Equal(IntercomBulkJobState.Completed, done.State);
        Assert.Equal("New name", (await client.FindCompanyByCompanyIdAsync("co_old"))!.Name);
        Assert.Equal("Brand new", (await client.FindCompanyByCompanyIdAsync("co_new"))!.Name);
        Assert.Equal(["updated", "created"], Items(server, accepted.Id).Select(i => i.Outcome).ToArray());
        Assert.Equal(1, client.ApiCalls.ByRoute["POST /companies/bulk"]);
        Assert.True(client.ApiCalls.Writes >= 2);
    }

    [Fact]
    public async Task Bulk_update_attaches_contacts_to_companies_by_company_id_making_a_missing_one()
    {
        await using var server = await StartAsync();
        var client = server.CreateClient();
        var one = await client.CreateContactAsync(new IntercomContactWrite { Role = "user", ExternalId = "cus_a1" });
        var two = await client.CreateContactAsync(new IntercomContactWrite { Role = "user", ExternalId = "cus_a2" });
        await client.UpsertCompanyAsync(new IntercomCompanyWrite { CompanyId = "co_old", Name = "Old name" });

        var accepted = await client.AttachContactsToCompaniesInBulkAsync(new[]
        {
            (one.Id, "co_old"),
            (two.Id, "co_old"),
            (two.Id, "co_new"),
            ("6762f0dd0000000000000fff", "co_old"),
            (one.Id, "co_old"),
        });
        var done = await WaitUntilFinishedAsync(() => client.GetContactsBulkJobAsync(accepted.Id));

        Assert.Equal(IntercomBulkJobState.CompletedWithErrors, done.State);
        var items = Items(server, accepted.Id);
        Assert.Equal(["updated", "updated", "updated", "rejected", "updated"],
            items.Select(i => i.Outcome).ToArray());
        Assert.Empty(items.SelectMany(i => i.IgnoredFields));
        // Attaching by company_id leaves the company's name alone, and attaching twice changes nothing.
        var old = server.State.FindCompanyByCompanyId("co_old");
        Assert.Equal("Old name", old.Name);
        Assert.Equal(new[] { one.Id, two.Id }.Order(), server.State.ContactIdsOf(old).Order());
        var made = server.State.FindCompanyByCompanyId("co_new");
        Assert.Null(made.Name);
        Assert.Equal(new[] { two.Id }, server.State.ContactIdsOf(made));
        Assert.Equal(["co_new", "co_old"],
            (await client.ListContactCompaniesAsync(two.Id)).Select(c => c.CompanyId).Order().ToArray());
        Assert.Null((await client.GetContactAsync(one.Id)).Name);

        // As the description says: a supplied name is applied, and remove: true detaches (the sync never sends it).
        var raw = server.State.SubmitBulk(FakeBulkJobKind.Contacts, "update", new JsonObject
        {
            ["contacts"] = new JsonArray(new JsonObject
            {
                ["id"] = one.Id,
                ["companies"] = new JsonArray(
                    new JsonObject { ["company_id"] = "co_old", ["remove"] = true },
                    new JsonObject { ["company_id"] = "co_named", ["name"] = "Blue Sun" }),
            }),
        }, lose: false, baseUrl: null);
        await WaitUntilFinishedAsync(() => client.GetContactsBulkJobAsync((string)raw["id"]!));
        Assert.Equal(new[] { two.Id }, server.State.ContactIdsOf(old));
        var named = server.State.FindCompanyByCompanyId("co_named");
        Assert.Equal("Blue Sun", named.Name);
        Assert.Equal(new[] { one.Id }, server.State.ContactIdsOf(named));
    }

    [Fact]
    public async Task Injected_rejections_end_the_job_with_errors_and_apply_nothing()
    {
        await using var server = await StartAsync(o => o.RejectBulkItemsPercent = 100);
        var client = server.CreateClient();

        var accepted = await client.CreateContactsInBulkAsync(new[]
        {
            new IntercomContactWrite { Role = "user", ExternalId = "cus_r1" },
            new IntercomContactWrite { Role = "user", ExternalId = "cus_r2" },
        });
        var done = await WaitUntilFinishedAsync(() => client.GetContactsBulkJobAsync(accepted.Id));

        Assert.Equal(IntercomBulkJobState.CompletedWithErrors, done.State);
        Assert.Empty(server.State.Contacts);
        Assert.All(Items(server, accepted.Id), i => Assert.Equal("injected_rejection", i.ErrorCode));

        using var http = server.CreateRawClient(authenticated: false);
        var control = JsonNode.Parse(await http.GetStringAsync("__control/bulk/jobs"))!;
        Assert.Equal("rejected", (string?)control["data"]![0]!["tasks"]![0]!["items"]![1]!["outcome"]);
    }
}
