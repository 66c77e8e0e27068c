using StripeIntercom.Intercom;
using StripeIntercom.Sync;
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
        var map = new AttributeMap(new[] { new AttributeDefinition("contract_tier", IntercomDataType.String, "Tier for the contract test", _ => null) });
        await new DataAttributeInitializer(_client, model: "company").EnsureAsync(map, whatIf: false);
        Assert.Contains(await _client.ListDataAttributesAsync("company"), a => a.Name == "contract_tier");

        var created = await _client.UpsertCompanyAsync(new IntercomCompanyWrite
        {
            CompanyId = "contract_co_1", Name = "Contract Co", Plan = "Team", MonthlySpend = 120, Size = 5,
            Website = "https://contract.example.test", Industry = "Testing", RemoteCreatedAt = 1700000000,
            CustomAttributes = new Dictionary<string, object?> { ["contract_tier"] = "gold" },
        });
        var updated = await _client.UpsertCompanyAsync(new IntercomCompanyWrite { CompanyId = "contract_co_1", Plan = "Business", MonthlySpend = 240 });
        Assert.Equal(created.Id, updated.Id);
        Assert.Equal(created.Id, (await _client.FindCompanyByCompanyIdAsync("contract_co_1"))!.Id);
        Assert.Null(await _client.FindCompanyByCompanyIdAsync("contract_co_nobody"));
        Assert.Equal("Business", (await _client.GetCompanyAsync(created.Id)).Plan);

        var contact = await _client.CreateContactAsync(new IntercomContactWrite { Role = "user", ExternalId = "cus_contract_co", Email = "contract-co@example.test" });
        Assert.Equal(1, (await _client.AttachContactToCompanyAsync(contact.Id, created.Id)).UserCount);
        Assert.Contains(created.Id, (await _client.GetContactAsync(contact.Id)).Companies.Ids);
        Assert.Contains(await _client.ListContactCompaniesAsync(contact.Id), c => c.Id == created.Id);

        var page = await _client.ListCompaniesPageAsync(perPage: IntercomClient.MaxCompanyPageSize);
        Assert.Contains(page.Companies, c => c.Id == created.Id);
        var scrolled = new List<IntercomCompany>();
        await foreach (var company in _client.ScrollAllCompaniesAsync()) scrolled.Add(company);
        Assert.Contains(scrolled, c => c.Id == created.Id);

        Assert.Equal(0, (await _client.DetachContactFromCompanyAsync(contact.Id, created.Id)).UserCount);
        AssertNoRequestViolations();
    }
}
