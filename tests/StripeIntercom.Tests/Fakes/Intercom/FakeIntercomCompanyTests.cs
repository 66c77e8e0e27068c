using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Tests.Intercom;
using Xunit;

namespace StripeIntercom.Tests.Fakes.Intercom;

/// <summary>The fake's company rules, over HTTP as a client sees them.</summary>
public class FakeIntercomCompanyTests
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

    private static async Task CreateCompanyAttributeAsync(HttpClient http, string name, string type)
    {
        var (status, _, _) = await SendAsync(http, HttpMethod.Post, "data_attributes",
            new { name, model = "company", data_type = type, description = "test" });
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static string Code(JsonNode? body) => (string)body!["errors"]![0]!["code"]!;

    [Fact]
    public async Task Creates_then_updates_by_company_id_truncating_monthly_spend_and_naming_the_plan()
    {
        await using var server = await IntercomTestServer.StartAsync();
        using var http = server.CreateRawClient();

        var (created, first, _) = await SendAsync(http, HttpMethod.Post, "companies",
            new { company_id = "acme", name = "Acme", plan = "Pro", monthly_spend = 155.98 });
        var (updated, second, _) = await SendAsync(http, HttpMethod.Post, "companies",
            new { company_id = "acme", name = "Acme Ltd", monthly_spend = 200 });
        var (_, other, _) =
            await SendAsync(http, HttpMethod.Post, "companies", new { company_id = "globex", plan = "Pro" });
        var (tooMuch, _, _) = await SendAsync(http, HttpMethod.Post, "companies",
            new { company_id = "acme", monthly_spend = 2147483648L });
        var (notANumber, _, _) =
            await SendAsync(http, HttpMethod.Post, "companies", new { company_id = "acme", monthly_spend = "12" });
        var (unknownField, unknownBody, _) =
            await SendAsync(http, HttpMethod.Post, "companies", new { company_id = "acme", test = "invalid" });
        var (noKey, _, _) = await SendAsync(http, HttpMethod.Post, "companies", new { name = "Nameless" });

        Assert.Equal(HttpStatusCode.OK, created);
        Assert.Equal("company", (string?)first!["type"]);
        Assert.Equal(155, (long)first["monthly_spend"]!);
        Assert.Equal("plan", (string?)first["plan"]!["type"]);
        Assert.Equal("Pro", (string?)first["plan"]!["name"]);
        Assert.Equal(0, (int)first["user_count"]!);
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.Equal((string?)first["id"], (string?)second!["id"]);
        Assert.Equal("Acme Ltd", (string?)second["name"]);
        Assert.Equal(200, (long)second["monthly_spend"]!);
        Assert.Equal("Pro", (string?)second["plan"]!["name"]);
        Assert.Equal((string?)first["plan"]!["id"], (string?)other!["plan"]!["id"]);
        Assert.Empty(other["custom_attributes"]!.AsObject());
        Assert.Equal(HttpStatusCode.BadRequest, tooMuch);
        Assert.Equal(HttpStatusCode.BadRequest, notANumber);
        Assert.Equal(HttpStatusCode.BadRequest, unknownField);
        Assert.Equal("bad_request", Code(unknownBody));
        Assert.Equal(HttpStatusCode.BadRequest, noKey);
        Assert.Equal(2, server.State.Companies.Count);
        Assert.Equal(200, server.State.Companies.Single(c => c.CompanyId == "acme").MonthlySpend);
    }

    [Fact]
    public async Task Company_custom_attributes_must_exist_for_model_company_match_their_type_and_fit_255_characters()
    {
        await using var server = await IntercomTestServer.StartAsync(o => o.MaxCustomAttributes = 1);
        using var http = server.CreateRawClient();
        var (_, _, _) = await SendAsync(http, HttpMethod.Post, "data_attributes",
            new { name = "tier", model = "contact", data_type = "string" });

        var (contactOnly, contactOnlyBody, _) = await SendAsync(http, HttpMethod.Post, "companies",
            new { company_id = "acme", custom_attributes = new { tier = "gold" } });
        await CreateCompanyAttributeAsync(http, "tier", "string");
        var (full, _, _) = await SendAsync(http, HttpMethod.Post, "data_attributes",
            new { name = "seats", model = "company", data_type = "integer" });
        var (ok, okBody, _) = await SendAsync(http, HttpMethod.Post, "companies",
            new { company_id = "acme", custom_attributes = new { tier = new string('g', 255) } });
        var (tooLong, tooLongBody, _) = await SendAsync(http, HttpMethod.Post, "companies",
            new { company_id = "acme", custom_attributes = new { tier = new string('g', 256) } });
        var (wrongType, _, _) = await SendAsync(http, HttpMethod.Post, "companies",
            new { company_id = "acme", custom_attributes = new { tier = 3 } });
        var (_, companyAttributes, _) = await SendAsync(http, HttpMethod.Get, "data_attributes?model=company");
        var (_, contactAttributes, _) = await SendAsync(http, HttpMethod.Get, "data_attributes?model=contact");

        Assert.Equal(HttpStatusCode.BadRequest, contactOnly);
        Assert.Equal("parameter_invalid", Code(contactOnlyBody));
        Assert.Equal("custom_attributes", (string?)contactOnlyBody!["errors"]![0]!["field"]);
        Assert.Equal(HttpStatusCode.BadRequest, full);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(255, ((string?)okBody!["custom_attributes"]!["tier"])!.Length);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong);
        Assert.Contains("255", (string?)tooLongBody!["errors"]![0]!["message"]);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType);
        var companyNames = companyAttributes!["data"]!.AsArray()
            .Select(a => ((string?)a!["name"], (string?)a["model"], (bool)a["custom"]!)).ToList();
        Assert.Contains(("tier", "company", true), companyNames);
        Assert.Contains(("monthly_spend", "company", false), companyNames);
        Assert.DoesNotContain(contactAttributes!["data"]!.AsArray(), a => (string?)a!["model"] == "company");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Finds_a_company_without_users_by_company_id_and_id_in_the_chosen_shape(bool asObject)
    {
        await using var server = await IntercomTestServer.StartAsync(o => o.CompanyLookupAsObject = asObject);
        using var http = server.CreateRawClient();
        var company = server.State.SeedCompany("acme", "Acme");

        var (found, body, _) = await SendAsync(http, HttpMethod.Get, "companies?company_id=acme");
        var (byName, _, _) = await SendAsync(http, HttpMethod.Get, "companies?name=Acme");
        var (byId, byIdBody, _) = await SendAsync(http, HttpMethod.Get, $"companies/{company.Id}");
        var (missing, missingBody, _) = await SendAsync(http, HttpMethod.Get, "companies?company_id=nobody");
        var (missingId, _, _) = await SendAsync(http, HttpMethod.Get, "companies/0000");

        Assert.Equal(HttpStatusCode.OK, found);
        Assert.Equal(asObject ? "company" : "list", (string?)body!["type"]);
        var foundCompany = asObject ? body : body["data"]![0]!;
        Assert.Equal(company.Id, (string?)foundCompany["id"]);
        Assert.Equal(HttpStatusCode.OK, byName);
        Assert.Equal(HttpStatusCode.OK, byId);
        Assert.Equal("acme", (string?)byIdBody!["company_id"]);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("company_not_found", Code(missingBody));
        Assert.Equal("Company Not Found", (string?)missingBody!["errors"]![0]!["message"]);
        Assert.Equal(HttpStatusCode.NotFound, missingId);
    }

    [Fact]
    public async Task Lists_only_companies_with_contacts_newest_first_in_numbered_pages_of_at_most_60()
    {
        await using var server = await IntercomTestServer.StartAsync(o => o.MaxCompanyListDepth = 100);
        var user = server.State.Seed("user", "cus_1", "a@example.test");
        for (var i = 0; i < 130; i++)
        {
            server.State.SeedCompany($"co_{i:D3}", contacts: user);
        }

        for (var i = 0; i < 5; i++)
        {
            server.State.SeedCompany($"hidden_{i}");
        }

        using var http = server.CreateRawClient();

        var (_, defaults, _) = await SendAsync(http, HttpMethod.Get, "companies");
        var (_, first, _) = await SendAsync(http, HttpMethod.Get, "companies?per_page=60&page=1");
        var (_, second, _) = await SendAsync(http, HttpMethod.Get, "companies?per_page=60&page=2");
        var (tooBig, _, _) = await SendAsync(http, HttpMethod.Get, "companies?per_page=61");
        var (tooDeep, _, _) = await SendAsync(http, HttpMethod.Get, "companies?per_page=60&page=3");
        var (_, ascending, _) = await SendAsync(http, HttpMethod.Post, "companies/list?per_page=5&order=asc");

        Assert.Equal(15, defaults!["data"]!.AsArray().Count);
        Assert.Equal(130, (int)first!["total_count"]!);
        Assert.Equal(3, (int)first["pages"]!["total_pages"]!);
        Assert.Equal(60, (int)first["pages"]!["per_page"]!);
        Assert.Equal("co_129", (string?)first["data"]![0]!["company_id"]);
        Assert.Equal(2, (int)second!["pages"]!["page"]!);
        var listed =
            first["data"]!.AsArray().Concat(second["data"]!.AsArray()).Select(c => (string)c!["company_id"]!).ToList();
        Assert.Equal(120, listed.Distinct().Count());
        Assert.DoesNotContain(listed, id => id.StartsWith("hidden_"));
        Assert.Equal(HttpStatusCode.BadRequest, tooBig);
        Assert.Equal(HttpStatusCode.BadRequest, tooDeep);
        Assert.Equal("co_000", (string?)ascending!["data"]![0]!["company_id"]);
        Assert.Equal(0, server.State.Counters.Writes);
    }

    [Fact]
    public async Task Scrolls_once_at_a_time_to_an_empty_page_that_frees_the_workspace()
    {
        await using var server = await IntercomTestServer.StartAsync(o => o.CompanyScrollPageSize = 50);
        var user = server.State.Seed("user", "cus_1", "a@example.test");
        for (var i = 0; i < 120; i++)
        {
            server.State.SeedCompany($"co_{i:D3}", contacts: user);
        }

        server.State.SeedCompany("hidden");
        using var http = server.CreateRawClient();

        var seen = new List<string>();
        var (_, page, _) = await SendAsync(http, HttpMethod.Get, "companies/scroll");
        var param = (string)page!["scroll_param"]!;
        var (busy, busyBody, _) = await SendAsync(http, HttpMethod.Get, "companies/scroll");
        var pages = 0;
        while (page!["data"]!.AsArray().Count > 0)
        {
            pages++;
            seen.AddRange(page["data"]!.AsArray().Select(c => (string)c!["company_id"]!));
            Assert.Equal(param, (string?)page["scroll_param"]);
            (_, page, _) = await SendAsync(http, HttpMethod.Get, "companies/scroll?scroll_param=" + param);
        }
        var (ended, _, _) = await SendAsync(http, HttpMethod.Get, "companies/scroll?scroll_param=" + param);
        var (_, restart, _) = await SendAsync(http, HttpMethod.Get, "companies/scroll");
        server.Fake.Options.CompanyScrollExpirySeconds = 0.2;
        await Task.Delay(300);
        var (expired, _, _) =
            await SendAsync(http, HttpMethod.Get, "companies/scroll?scroll_param=" + (string)restart!["scroll_param"]!);
        var (afterExpiry, _, _) = await SendAsync(http, HttpMethod.Get, "companies/scroll");

        Assert.Equal(HttpStatusCode.BadRequest, busy);
        Assert.Equal("scroll_exists", Code(busyBody));
        Assert.Equal(3, pages);
        Assert.Equal(120, seen.Distinct().Count());
        Assert.DoesNotContain("hidden", seen);
        Assert.Equal(HttpStatusCode.BadRequest, ended);
        Assert.Equal(HttpStatusCode.BadRequest, expired);
        Assert.Equal(HttpStatusCode.OK, afterExpiry);
    }

    [Fact]
    public async Task Attaches_and_detaches_contacts_and_the_contact_object_lists_its_companies()
    {
        await using var server = await IntercomTestServer.StartAsync();
        using var http = server.CreateRawClient();
        var user = server.State.Seed("user", "cus_1", "a@example.test");
        var acme = server.State.SeedCompany("acme", "Acme");
        for (var i = 0; i < 11; i++)
        {
            server.State.SeedCompany($"extra_{i}", contacts: user);
        }

        var (attached, company, _) =
            await SendAsync(http, HttpMethod.Post, $"contacts/{user.Id}/companies", new { id = acme.Id });
        var (again, _, _) =
            await SendAsync(http, HttpMethod.Post, $"contacts/{user.Id}/companies", new { id = acme.Id });
        var (unknownCompany, unknownCompanyBody, _) =
            await SendAsync(http, HttpMethod.Post, $"contacts/{user.Id}/companies", new { id = "0000" });
        var (unspecified, unspecifiedBody, _) =
            await SendAsync(http, HttpMethod.Post, $"contacts/{user.Id}/companies", new { });
        var (unknownContact, unknownContactBody, _) =
            await SendAsync(http, HttpMethod.Post, "contacts/0000/companies", new { id = acme.Id });
        var (_, contact, _) = await SendAsync(http, HttpMethod.Get, $"contacts/{user.Id}");
        var (_, list, _) = await SendAsync(http, HttpMethod.Get, $"contacts/{user.Id}/companies");
        var (detached, afterDetach, _) =
            await SendAsync(http, HttpMethod.Delete, $"contacts/{user.Id}/companies/{acme.Id}");
        var (detachAgain, _, _) = await SendAsync(http, HttpMethod.Delete, $"contacts/{user.Id}/companies/{acme.Id}");

        Assert.Equal(HttpStatusCode.OK, attached);
        Assert.Equal(1, (int)company!["user_count"]!);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(HttpStatusCode.NotFound, unknownCompany);
        Assert.Equal("company_not_found", Code(unknownCompanyBody));
        Assert.Equal(HttpStatusCode.BadRequest, unspecified);
        Assert.Equal("parameter_not_found", Code(unspecifiedBody));
        Assert.Equal(HttpStatusCode.NotFound, unknownContact);
        Assert.Equal("not_found", Code(unknownContactBody));
        var companies = contact!["companies"]!;
        Assert.Equal(12, (int)companies["total_count"]!);
        Assert.True((bool)companies["has_more"]!);
        Assert.Equal(10, companies["data"]!.AsArray().Count);
        Assert.Equal("company", (string?)companies["data"]![0]!["type"]);
        Assert.StartsWith("https://", (string?)companies["data"]![0]!["url"]);
        Assert.Equal(12, (int)list!["total_count"]!);
        Assert.Contains(list["data"]!.AsArray(), c => (string?)c!["id"] == acme.Id);
        Assert.Equal(HttpStatusCode.OK, detached);
        Assert.Equal(0, (int)afterDetach!["user_count"]!);
        Assert.Equal(HttpStatusCode.NotFound, detachAgain);
        Assert.Empty(server.State.ContactIdsOf(acme));
    }

    [Fact]
    public async Task Company_routes_are_counted_faulted_and_rate_limited_like_the_others()
    {
        await using var server = await IntercomTestServer.StartAsync(o => o.WindowLimit = 100);
        using var http = server.CreateRawClient();
        var user = server.State.Seed("user", "cus_1", null);
        server.State.ArmFault(FakeFaultKind.ServiceUnavailable503, 1, "POST /companies");

        var (unavailable, _, _) = await SendAsync(http, HttpMethod.Post, "companies", new { company_id = "acme" });
        var (_, created, response) = await SendAsync(http, HttpMethod.Post, "companies", new { company_id = "acme" });
        await SendAsync(http, HttpMethod.Post, $"contacts/{user.Id}/companies", new { id = (string)created!["id"]! });
        await SendAsync(http, HttpMethod.Get, "companies?company_id=acme");
        await SendAsync(http, HttpMethod.Post, "companies/list");
        await SendAsync(http, HttpMethod.Get, "companies/scroll");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable);
        Assert.Equal("100", response.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.True(response.Headers.Contains("X-RateLimit-Remaining"));
        Assert.Equal(2, server.State.Counters["POST /companies"]);
        Assert.Equal(1, server.State.Counters["POST /contacts/{id}/companies"]);
        Assert.Equal(1, server.State.Counters["GET /companies/scroll"]);
        Assert.Equal(3, server.State.Counters.Writes);
        Assert.Equal(3, server.State.Counters.Reads);
    }

    [Fact]
    public async Task Control_surface_seeds_companies_with_their_users_and_reads_them_back()
    {
        await using var server = await IntercomTestServer.StartAsync();
        using var control = server.CreateRawClient(authenticated: false);
        var user = server.State.Seed("user", "cus_1", "a@example.test");
        var other = server.State.Seed("user", "cus_2", "b@example.test");

        var (seeded, _, _) = await SendAsync(control, HttpMethod.Post, "__control/companies", new
        {
            companies = new object[]
            {
                new { company_id = "acme", name = "Acme", plan = "Pro", monthly_spend = 99.9,
                    custom_attributes = new { anything = "goes" }, external_ids = new[] { "cus_1" }, contact_ids =
                    new[] { other.Id } },
                new { company_id = "lonely" },
            },
        });
        var (badUser, _, _) = await SendAsync(control, HttpMethod.Post, "__control/companies",
            new { company_id = "x", external_ids = new[] { "cus_nobody" } });
        var (_, all, _) = await SendAsync(control, HttpMethod.Get, "__control/companies");
        await SendAsync(control, HttpMethod.Post, "__control/reset");
        var (_, empty, _) = await SendAsync(control, HttpMethod.Get, "__control/companies");

        Assert.Equal(HttpStatusCode.OK, seeded);
        Assert.Equal(HttpStatusCode.BadRequest, badUser);
        var acme = all!["data"]!.AsArray().Single(c => (string?)c!["company_id"] == "acme")!;
        Assert.Equal(99, (long)acme["monthly_spend"]!);
        Assert.Equal("Pro", (string?)acme["plan"]!["name"]);
        Assert.True((bool)acme["listed"]!);
        Assert.Equal(new[] { user.Id, other.Id }, acme["contact_ids"]!.AsArray().Select(n => (string)n!));
        Assert.False((bool)all["data"]!.AsArray().Single(c => (string?)c!["company_id"] == "lonely")!["listed"]!);
        Assert.Equal(0, server.State.Counters.Total);
        Assert.Empty(empty!["data"]!.AsArray());
    }
}
