using System.Net;
using Microsoft.Extensions.Logging;
using StripeIntercom.Intercom;
using Xunit;

namespace StripeIntercom.Tests.Intercom;

public class IntercomClientTests
{
    [Fact]
    public async Task Identifies_the_admin_and_pins_the_api_version()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var client = server.CreateClient();

        var me = await client.GetMeAsync();

        Assert.Equal("991267459", me.Id);
        Assert.NotNull(me.Workspace?.Id);
        Assert.Equal(1, server.State.VersionsSeen[IntercomClient.ApiVersion]);
        Assert.Equal("2.14", IntercomClient.ApiVersion);
    }

    [Fact]
    public async Task A_rejected_token_raises_an_authentication_error_that_never_shows_the_token()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var logger = new ListLogger();
        const string secret = "dG9rOnNlY3JldF90b2tlbl92YWx1ZQ==";
        var client = server.CreateClient(secret, logger);

        var error = await Assert.ThrowsAsync<IntercomAuthenticationException>(() => client.GetMeAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("unauthorized", error.ErrorCode);
        Assert.Contains("Access Token Invalid", error.Message);
        Assert.NotNull(error.RequestId);
        Assert.DoesNotContain(secret, error.ToString());
        Assert.DoesNotContain(logger.Lines, l => l.Message.Contains(secret));
    }

    [Fact]
    public async Task A_409_names_the_existing_contact()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var client = server.CreateClient();
        var existing = await client.CreateContactAsync(
            new IntercomContactWrite { Role = "user", ExternalId = "cus_1", Email = "a@example.test" });

        var error = await Assert.ThrowsAsync<IntercomConflictException>(() =>
            client.CreateContactAsync(new IntercomContactWrite { Role = "user", ExternalId = "cus_1" }));

        Assert.Equal(existing.Id, error.ExistingContactId);
        Assert.Equal("conflict", error.ErrorCode);
        Assert.Null(IntercomConflictException.ParseExistingContactId("something else"));
    }

    [Fact]
    public async Task An_unknown_custom_attribute_is_a_400_naming_it()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var client = server.CreateClient();

        var error =
            await Assert.ThrowsAsync<IntercomApiException>(() => client.CreateContactAsync(new IntercomContactWrite
            {
                Role = "user",
                ExternalId = "cus_1",
                CustomAttributes = new() { ["stripe_mrr"] = 10m },
            }));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("parameter_invalid", error.ErrorCode);
        Assert.Contains("stripe_mrr", error.Message);
        Assert.Equal("custom_attributes", error.Field);
    }

    [Fact]
    public async Task Creates_updates_finds_and_archives_contacts()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var client = server.CreateClient();
        await client.CreateDataAttributeAsync("stripe_mrr", IntercomDataType.Float, "MRR");

        var created = await client.CreateContactAsync(
            new IntercomContactWrite { Role = "user", ExternalId = "cus_1", Email = "a@example.test", Name = "A" });
        var updated = await client.UpdateContactAsync(created.Id,
            new IntercomContactWrite { CustomAttributes = new() { ["stripe_mrr"] = 12.5m } });
        var found = await client.FindContactByExternalIdAsync("cus_1");
        var missing = await client.FindContactByExternalIdAsync("cus_nobody");
        var fetched = await client.GetContactAsync(created.Id);
        await client.ArchiveContactAsync(created.Id);

        Assert.Equal("user", created.Role);
        Assert.Equal(12.5m, updated.CustomAttributes["stripe_mrr"].GetDecimal());
        Assert.Equal("A", updated.Name);
        Assert.Equal(created.Id, found!.Id);
        Assert.Null(missing);
        Assert.Equal("a@example.test", fetched.Email);
        Assert.True(server.State.Contacts.Single().Archived);
        Assert.Null(await client.FindContactByExternalIdAsync("cus_1"));
    }

    [Fact]
    public async Task Lists_every_contact_in_pages_of_150()
    {
        await using var server = await IntercomTestServer.StartAsync();
        for (var i = 0; i < 400; i++)
        {
            server.State.Seed("user", $"cus_{i}", null);
        }

        var client = server.CreateClient();

        var contacts = new List<IntercomContact>();
        await foreach (var contact in client.ListContactsAsync())
        {
            contacts.Add(contact);
        }

        Assert.Equal(400, contacts.Select(c => c.Id).Distinct().Count());
        Assert.Equal(3, server.State.Counters["GET /contacts"]);
        Assert.Contains(server.State.Requests, r => r.Path.Contains("per_page=150"));
        Assert.Equal(3, client.ApiCalls.ByRoute["GET /contacts"]);
    }

    [Fact]
    public async Task Searches_with_nested_filters_and_merges_leads_into_users()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var lead = server.State.Seed("lead", null, "lead@example.test");
        var user = server.State.Seed("user", "cus_1", "user@example.test");
        server.State.Seed("user", "cus_2", "other@example.test");
        var client = server.CreateClient();

        var page = await client.SearchContactsAsync(IntercomSearchQuery.Or(
            IntercomSearchQuery.Field("email", "=", "lead@example.test"),
            IntercomSearchQuery.And(IntercomSearchQuery.Field("role", "=", "user"),
                IntercomSearchQuery.Field("external_id", "=", "cus_1"))));
        var merged = await client.MergeContactsAsync(lead.Id, user.Id);

        Assert.Equal(2, page.TotalCount);
        Assert.Equal(new[] { lead.Id, user.Id }, page.Contacts.Select(c => c.Id));
        Assert.Equal(user.Id, merged.Id);
        Assert.Equal(1, server.State.Counters.Reads);
        Assert.Equal(1, server.State.Counters.Writes);
    }

    [Fact]
    public async Task Counts_calls_and_logs_each_one_without_secrets()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var logger = new ListLogger();
        var client = server.CreateClient(logger: logger);

        await client.GetMeAsync();
        await client.ListDataAttributesAsync();
        await client.CreateDataAttributeAsync("x_count", IntercomDataType.Integer);

        Assert.Equal(3, client.ApiCalls.Total);
        Assert.Equal(1, client.ApiCalls.Writes);
        Assert.Equal(1, client.ApiCalls.ByRoute["POST /data_attributes"]);
        Assert.Contains(logger.Lines,
            l => l.Level == LogLevel.Information && l.Message.StartsWith("GET /me -> 200 in ")
            && l.Message.EndsWith(" ms"));
        Assert.DoesNotContain(logger.Lines, l => l.Message.Contains(server.Fake.Options.AccessToken));
    }

    [Theory]
    [InlineData(IntercomRegion.US, "https://api.intercom.io/")]
    [InlineData(IntercomRegion.EU, "https://api.eu.intercom.io/")]
    [InlineData(IntercomRegion.AU, "https://api.au.intercom.io/")]
    public void Each_region_has_its_host(IntercomRegion region, string expected)
    {
        using var client = new IntercomClient(new IntercomSettings { AccessToken = "t", Region = region });
        Assert.Equal(expected, client.ApiBase.ToString());
        Assert.Equal("http://localhost:5/x/",
            new IntercomSettings { ApiBase = new Uri("http://localhost:5/x") }.ResolveApiBase().ToString());
    }
}
