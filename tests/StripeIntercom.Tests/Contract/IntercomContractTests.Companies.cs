using StripeIntercom.Companies;
using StripeIntercom.Intercom;
using StripeIntercom.Sync;
using StripeIntercom.Tests.Sync;
using Xunit;

namespace StripeIntercom.Tests.Contract;

/// <summary>Every kind of company request the client sends, through Prism.</summary>
public sealed partial class IntercomContractTests
{
    [Fact]
    public async Task Company_requests_match_the_published_contract()
    {
        // The description types company custom attribute values as strings (its own example carries a boolean and a
        // float), so the contract run sends a string; numbers are covered against the fake alone.
        var map = new AttributeMap(
            new[] { new AttributeDefinition("contract_tier", IntercomDataType.String, "Tier for the contract test",
            _ => null) });
        await new DataAttributeInitializer(_client, model: "company").EnsureAsync(map, whatIf: false);
        Assert.Contains(await _client.ListDataAttributesAsync("company"), a => a.Name == "contract_tier");

        var created = await _client.UpsertCompanyAsync(new IntercomCompanyWrite
        {
            CompanyId = "contract_co_1",
            Name = "Contract Co",
            Plan = "Team",
            MonthlySpend = 120,
            Size = 5,
            Website = "https://contract.example.test",
            Industry = "Testing",
            RemoteCreatedAt = 1700000000,
            CustomAttributes = new Dictionary<string, object?> { ["contract_tier"] = "gold" },
        });
        var updated = await _client.UpsertCompanyAsync(
            new IntercomCompanyWrite { CompanyId = "contract_co_1", Plan = "Business", MonthlySpend = 240 });
        Assert.Equal(created.Id, updated.Id);
        Assert.Equal(created.Id, (await _client.FindCompanyByCompanyIdAsync("contract_co_1"))!.Id);
        Assert.Null(await _client.FindCompanyByCompanyIdAsync("contract_co_nobody"));
        Assert.Equal("Business", (await _client.GetCompanyAsync(created.Id)).Plan);

        var contact = await _client.CreateContactAsync(
            new IntercomContactWrite
            {
                Role = "user",
                ExternalId = "cus_contract_co",
                Email = "contract-co@example.test"
            });
        Assert.Equal(1, (await _client.AttachContactToCompanyAsync(contact.Id, created.Id)).UserCount);
        Assert.Contains(created.Id, (await _client.GetContactAsync(contact.Id)).Companies.Ids);
        Assert.Contains(await _client.ListContactCompaniesAsync(contact.Id), c => c.Id == created.Id);

        var page = await _client.ListCompaniesPageAsync(perPage: IntercomClient.MaxCompanyPageSize);
        Assert.Contains(page.Companies, c => c.Id == created.Id);
        var scrolled = new List<IntercomCompany>();
        await foreach (var company in _client.ScrollAllCompaniesAsync())
        {
            scrolled.Add(company);
        }

        Assert.Contains(scrolled, c => c.Id == created.Id);

        Assert.Equal(0, (await _client.DetachContactFromCompanyAsync(contact.Id, created.Id)).UserCount);
        // The fixture's fake is shared: its lists may hold the company sync test's companies, numbers and all.
        AssertNoRequestViolations(KnownCompanyAttributeTypeGap);
    }

    [Fact]
    public async Task A_company_sync_creates_attaches_and_leaves_unchanged_within_the_contract()
    {
        var profiles = ProfileBuilder.BuildMany(6, start: 700);
        foreach (var profile in profiles.Take(3))
        {
            profile.Metadata = new Dictionary<string, string> { ["account_id"] = "acct-contract-shared" };
        }

        var contacts = new ContactSynchronizer(_client, AttributeMap.Default,
            new SyncOptions { LookupMode = ContactLookupMode.PerCustomer });
        var options =
            new CompanySyncOptions { CompanyIdMetadataKey = "account_id", LookupMode = ContactLookupMode.PerCustomer };
        var companies = new CompanySynchronizer(_client, CompanyAttributes.From(AttributeMap.Default), options);

        async Task<List<CompanySyncResult>> RunAsync(ContactLookupMode mode)
        {
            options.LookupMode = mode;
            var collector = companies.NewCollector(coversAllCustomers: true);
            foreach (var profile in profiles)
            {
                collector.Observe(profile);
                collector.ObserveContact(await contacts.SyncAsync(profile));
            }

            var results = new List<CompanySyncResult>();
            await companies.RunAsync(collector, results.Add);
            return results;
        }

        var first = await RunAsync(ContactLookupMode.PerCustomer);
        Assert.Equal(4, first.Count);
        Assert.All(first, r => Assert.Equal(CompanySyncAction.Created, r.Action));
        Assert.Equal(3, first.Single(r => r.CompanyId == "acct-contract-shared").AttachedContactIds.Count);
        var again = await RunAsync(ContactLookupMode.Bulk);
        Assert.All(again, r => Assert.Equal(CompanySyncAction.Unchanged, r.Action));

        // Numbers and booleans in company custom attributes: see KnownCompanyAttributeTypeGap.
        AssertNoRequestViolations(KnownCompanyAttributeTypeGap);
    }

    /// <summary>
    /// A gap in the description, not in the client: 2.14 types every company custom attribute value as a string, though
    /// its own example (and Intercom) takes booleans and numbers, as data attributes of type integer, float, date and
    /// boolean require. Exactly that violation, on company routes, is known; every other check stays on.
    /// </summary>
    private static bool KnownCompanyAttributeTypeGap(string violation) =>
        System.Text.RegularExpressions.Regex.IsMatch(violation,
            @"^[A-Z]+ /[^:]*companies[^:]*: \[(request|response)\.body(\.data\.\d+)?" +
            @"\.custom_attributes\.[A-Za-z0-9_]+\] (Request|Response) body property " +
            @"(data\.\d+\.)?custom_attributes\.[A-Za-z0-9_]+ must be string$");
}
