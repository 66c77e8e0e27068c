using System.Net;
using System.Text.Json;
using StripeIntercom.Intercom;
using StripeIntercom.Sync;
using Xunit;

namespace StripeIntercom.Tests.Intercom;

/// <summary>The client's company calls against the fake.</summary>
public class IntercomCompanyClientTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Upserts_by_company_id_and_finds_the_company_in_either_lookup_shape(bool lookupAsObject)
    {
        await using var server = await IntercomTestServer.StartAsync(o => o.CompanyLookupAsObject = lookupAsObject);
        var client = server.CreateClient();
        await client.CreateDataAttributeAsync("stripe_mrr", IntercomDataType.Float, model: "company");

        var created = await client.UpsertCompanyAsync(new IntercomCompanyWrite
        {
            CompanyId = "acme",
            Name = "Acme",
            Plan = "Pro",
            MonthlySpend = 155,
            Size = 12,
            Website = "https://acme.test",
            CustomAttributes = new Dictionary<string, object?> { ["stripe_mrr"] = 155.5m },
        });
        var updated =
            await client.UpsertCompanyAsync(new IntercomCompanyWrite { CompanyId = "acme", Name = "Acme Ltd" });
        var found = await client.FindCompanyByCompanyIdAsync("acme");
        var missing = await client.FindCompanyByCompanyIdAsync("nobody");
        var byId = await client.GetCompanyAsync(created.Id);

        Assert.Equal("acme", created.CompanyId);
        Assert.Equal("Pro", created.Plan);
        Assert.Equal(155, created.MonthlySpend);
        Assert.Equal(12, created.Size);
        Assert.Equal(155.5m, created.CustomAttributes["stripe_mrr"].GetDecimal());
        Assert.Equal(created.Id, updated.Id);
        Assert.Equal("Acme Ltd", updated.Name);
        Assert.Equal("Pro", updated.Plan);
        Assert.Equal(created.Id, found!.Id);
        Assert.Equal(0, found.UserCount);
        Assert.Null(missing);
        Assert.Equal("Acme Ltd", byId.Name);
        Assert.Equal(2, client.ApiCalls.ByRoute["POST /companies"]);
        Assert.Equal(2, client.ApiCalls.ByRoute["GET /companies"]);
        Assert.Equal(3, client.ApiCalls.Writes);
        Assert.Contains(server.State.Requests,
            r => r.Route == "POST /companies" && r.Body!.Contains("\"plan\":\"Pro\"") && !r.Body.Contains("industry"));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            client.UpsertCompanyAsync(new IntercomCompanyWrite { Name = "No key" }));
    }

    [Fact]
    public async Task A_lookup_list_holding_another_company_is_not_taken_for_the_one_asked()
    {
        var json = """{"type":"list","data":""" +
            """[{"type":"company","id":"1","company_id":"other","plan":{}}],"total_count":1}""";
        using var client = new IntercomClient(
            new IntercomSettings
            {
                AccessToken = "t",
                ApiBase = new Uri("http://127.0.0.1:9/"),
                InnerHandler = new FixedResponseHandler(json)
            });

        Assert.Null(await client.FindCompanyByCompanyIdAsync("acme"));
    }

    [Fact]
    public async Task Attaches_contacts_and_reads_their_companies_from_the_contact_and_the_list()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var client = server.CreateClient();
        var contact = await client.CreateContactAsync(new IntercomContactWrite { Role = "user", ExternalId = "cus_1" });
        var lonely = await client.CreateContactAsync(new IntercomContactWrite { Role = "user", ExternalId = "cus_2" });
        var acme = await client.UpsertCompanyAsync(new IntercomCompanyWrite { CompanyId = "acme" });
        for (var i = 0; i < 54; i++)
        {
            server.State.SeedCompany($"extra_{i:D2}", contacts: server.State.Contacts.First(c => c.Id == contact.Id));
        }

        var attached = await client.AttachContactToCompanyAsync(contact.Id, acme.Id);
        var read = await client.GetContactAsync(contact.Id);
        var index = (await client.ListContactsPageAsync()).Contacts.Single(c => c.Id == contact.Id).WithoutAttributes();
        var all = await client.ListContactCompaniesAsync(contact.Id);
        var none = await client.ListContactCompaniesAsync(lonely.Id);
        var detached = await client.DetachContactFromCompanyAsync(contact.Id, acme.Id);

        Assert.Equal(1, attached.UserCount);
        Assert.Equal(10, read.Companies.Ids.Count);
        Assert.Equal(55, read.Companies.TotalCount);
        Assert.False(read.Companies.IsComplete);
        Assert.Equal(55, index.Companies.TotalCount);
        Assert.Equal(55, all.Select(c => c.Id).Distinct().Count());
        Assert.Contains(all, c => c.Id == acme.Id);
        Assert.Equal(3, server.State.Counters["GET /contacts/{id}/companies"]);
        Assert.Empty(none);
        Assert.Same(IntercomContactCompanies.None, (await client.GetContactAsync(lonely.Id)).Companies);
        Assert.Equal(0, detached.UserCount);
        Assert.Equal(1, client.ApiCalls.ByRoute["DELETE /contacts/{id}/companies/{company_id}"]);
        Assert.Equal(1, client.ApiCalls.ByRoute["POST /contacts/{id}/companies"]);
    }

    [Fact]
    public async Task Reads_listed_companies_by_page_and_every_one_by_scroll()
    {
        await using var server = await IntercomTestServer.StartAsync(o => o.CompanyScrollPageSize = 40);
        var user = server.State.Seed("user", "cus_1", null);
        for (var i = 0; i < 130; i++)
        {
            server.State.SeedCompany($"co_{i:D3}", plan: "Team", contacts: user);
        }

        server.State.SeedCompany("hidden");
        var client = server.CreateClient();

        var first = await client.ListCompaniesPageAsync();
        var third = await client.ListCompaniesPageAsync(page: 3);
        var scrolled = new List<IntercomCompany>();
        await foreach (var company in client.ScrollAllCompaniesAsync())
        {
            scrolled.Add(company);
        }

        var again = await client.ScrollCompaniesAsync();

        Assert.Equal(60, first.Companies.Count);
        Assert.Equal(130, first.TotalCount);
        Assert.Equal(3, first.TotalPages);
        Assert.True(first.HasMore);
        Assert.Equal(10, third.Companies.Count);
        Assert.False(third.HasMore);
        Assert.Equal(130, scrolled.Select(c => c.CompanyId).Distinct().Count());
        Assert.All(scrolled, c => Assert.Equal("Team", c.Plan));
        Assert.DoesNotContain(scrolled, c => c.CompanyId == "hidden");
        // Four pages, the empty one that ends the scroll, and the page that starts the next.
        Assert.Equal(6, client.ApiCalls.ByRoute["GET /companies/scroll"]);
        Assert.Equal(40, again.Companies.Count);
        Assert.Equal(0, client.ApiCalls.Writes);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.ListCompaniesPageAsync(perPage: 61));
    }

    [Fact]
    public async Task Company_errors_are_typed_like_the_others()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var client = server.CreateClient();
        var contact = await client.CreateContactAsync(new IntercomContactWrite { Role = "user", ExternalId = "cus_1" });

        var unknownAttribute =
            await Assert.ThrowsAsync<IntercomApiException>(() => client.UpsertCompanyAsync(new IntercomCompanyWrite
            {
                CompanyId = "acme",
                CustomAttributes = new Dictionary<string, object?> { ["stripe_mrr"] = 1m },
            }));
        var unknownCompany = await Assert.ThrowsAsync<IntercomApiException>(() =>
            client.AttachContactToCompanyAsync(contact.Id, "0000"));
        // A scroll over no company ends at once; one listed company keeps it open.
        server.State.SeedCompany("listed", contacts: server.State.Contacts.Single());
        var missingCompany = await Assert.ThrowsAsync<IntercomApiException>(() => client.GetCompanyAsync("0000"));
        await client.ScrollCompaniesAsync();
        var secondScroll = await Assert.ThrowsAsync<IntercomApiException>(() => client.ScrollCompaniesAsync());
        server.State.ArmFault(StripeIntercom.Fakes.Intercom.FakeFaultKind.Unauthorized401, 1, "POST /companies");
        await Assert.ThrowsAsync<IntercomAuthenticationException>(() =>
            client.UpsertCompanyAsync(new IntercomCompanyWrite { CompanyId = "acme" }));

        Assert.Equal(HttpStatusCode.BadRequest, unknownAttribute.StatusCode);
        Assert.Equal("custom_attributes", unknownAttribute.Field);
        Assert.Contains("stripe_mrr", unknownAttribute.Message);
        Assert.Equal(HttpStatusCode.NotFound, unknownCompany.StatusCode);
        Assert.Equal("company_not_found", unknownCompany.ErrorCode);
        Assert.Equal("company_not_found", missingCompany.ErrorCode);
        Assert.Equal("scroll_exists", secondScroll.ErrorCode);
        Assert.DoesNotContain(server.State.Companies, c => c.CompanyId == "acme");
    }

    [Fact]
    public async Task The_initializer_ensures_company_attributes_apart_from_contact_ones()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var client = server.CreateClient();
        var map = new AttributeMap(new[]
        {
            new AttributeDefinition("stripe_mrr", IntercomDataType.Float, "MRR", _ => null),
            new AttributeDefinition("stripe_plan", IntercomDataType.String, "Plan", _ => null),
        });
        await client.CreateDataAttributeAsync("stripe_mrr", IntercomDataType.String);

        var initializer = new DataAttributeInitializer(client, model: "company");
        var results = await initializer.EnsureAsync(map, whatIf: false);
        var clash = new AttributeMap(
            new[] { new AttributeDefinition("monthly_spend", IntercomDataType.Integer, "", _ => null) });

        Assert.Equal("company", initializer.Model);
        Assert.All(results, r => Assert.Equal(DataAttributeAction.Created, r.Action));
        Assert.Contains(server.State.Requests, r => r.Path == "/data_attributes?model=company");
        Assert.Equal("float",
            server.State.DataAttributes.Single(a => a.Model == "company" && a.Name == "stripe_mrr").DataType);
        Assert.Equal("string",
            server.State.DataAttributes.Single(a => a.Model == "contact" && a.Name == "stripe_mrr").DataType);
        Assert.Contains(await client.ListDataAttributesAsync("company"),
            a => a.Name == "stripe_plan" && a.Model == "company");
        Assert.DoesNotContain(await client.ListDataAttributesAsync(), a => a.Name == "stripe_plan");
        await Assert.ThrowsAsync<DataAttributeConflictException>(() => initializer.EnsureAsync(clash, whatIf: false));
        Assert.Equal("contact", new DataAttributeInitializer(client).Model);
        Assert.Throws<ArgumentException>(() => new DataAttributeInitializer(client, model: "conversation"));
    }

    [Fact]
    public void A_contacts_company_list_reads_into_ids_and_writes_back()
    {
        var contact = JsonSerializer.Deserialize<IntercomContact>(
            """{"id":"c1","companies":{"type":"list","data":""" +
            """[{"type":"company","id":"a","url":"/companies/a"},""" +
            """{"type":"company","id":"b"}],"url":"/contacts/c1/""" +
            """companies","total_count":2,"has_more":false}}""")!;
        var without = JsonSerializer.Deserialize<IntercomContact>(
            """{"id":"c2","companies":{"type":"list","data":[],"total_count":0,"has_more":false}}""")!;
        var absent = JsonSerializer.Deserialize<IntercomContact>("""{"id":"c3"}""")!;
        var company = JsonSerializer.Deserialize<IntercomCompany>(
            """{"id":"x","company_id":"k","plan":{"type":"plan","id":"1","name":"Pro"}}""")!;
        var noPlan = JsonSerializer.Deserialize<IntercomCompany>("""{"id":"y","company_id":"l","plan":{}}""")!;

        Assert.Equal(new[] { "a", "b" }, contact.Companies.Ids);
        Assert.True(contact.Companies.IsComplete);
        Assert.Same(IntercomContactCompanies.None, without.Companies);
        Assert.Same(IntercomContactCompanies.None, absent.Companies);
        Assert.Contains("\"id\":\"b\"", JsonSerializer.Serialize(contact));
        Assert.Equal("Pro", company.Plan);
        Assert.Null(noPlan.Plan);
        Assert.Equal("Pro", JsonSerializer.Deserialize<IntercomCompany>(JsonSerializer.Serialize(company))!.Plan);
    }

    private sealed class FixedResponseHandler : HttpMessageHandler
    {
        private readonly string _json;

        public FixedResponseHandler(string json) => _json = json;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
            CancellationToken cancellationToken) =>
            Task.FromResult(
                new HttpResponseMessage(
                HttpStatusCode.OK)
                {
                    Content =
                new StringContent(_json, System.Text.Encoding.UTF8, "application/json")
                });
    }
}
