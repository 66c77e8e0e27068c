using StripeIntercom.Intercom;
using Xunit;

namespace StripeIntercom.Tests.Contract;

/// <summary>
/// The Preview bulk writes and job reads, through a second Prism checking against Intercom's Preview description
/// (the bulk routes are not in 2.14). Lookups between them go through the 2.14 proxy as the client sends them.
/// </summary>
public sealed partial class IntercomContractTests
{
    [Fact]
    public async Task Bulk_requests_and_job_reads_match_the_preview_contract()
    {
        var previewPrism = await _fixture.PreviewPrism;
        var recorder = new ContractViolationRecorder();
        using var preview = new IntercomClient(new IntercomSettings
        {
            AccessToken = _fixture.Fake.Options.AccessToken,
            ApiBase = previewPrism.BaseUrl,
            InnerHandler = recorder,
        });
        await _client.CreateDataAttributeAsync("contract_bulk_plan", IntercomDataType.String,
            "Plan name for the bulk contract test");

        var job = await preview.CreateContactsInBulkAsync(new[]
        {
            new IntercomContactWrite
            {
                Role = "user",
                ExternalId = "cus_contract_bulk_1",
                Email = "contract-bulk1@example.test",
                Name = "Bulk One",
                SignedUpAt = 1700000000,
                CustomAttributes = new Dictionary<string, object?> { ["contract_bulk_plan"] = "Team" },
            },
            // Every contact gets an email: the fake is shared, and the 2.14 description has no null email for the
            // other tests' contact lists.
            new IntercomContactWrite
            {
                Role = "user",
                ExternalId = "cus_contract_bulk_2",
                Email = "contract-bulk2@example.test",
            },
        });
        Assert.Equal("contacts.bulk.job", job.Type);
        var appended = await preview.CreateContactsInBulkAsync(
            new[] { new IntercomContactWrite { Role = "lead", Email = "contract-bulk-lead@example.test" } }, job.Id);
        Assert.Equal(job.Id, appended.Id);
        var created = await WaitUntilFinishedAsync(() => preview.GetContactsBulkJobAsync(job.Id));
        Assert.Equal(IntercomBulkJobState.Completed, created.State);

        var one = (await _client.FindContactByExternalIdAsync("cus_contract_bulk_1"))!;
        var update = await preview.UpdateContactsInBulkAsync(new[]
        {
            (one.Id, new IntercomContactWrite
            {
                Name = "Bulk One Renamed",
                CustomAttributes = new Dictionary<string, object?> { ["contract_bulk_plan"] = "Business" },
            }),
        });
        Assert.Equal(IntercomBulkJobState.Completed,
            (await WaitUntilFinishedAsync(() => preview.GetContactsBulkJobAsync(update.Id))).State);
        Assert.Equal("Bulk One Renamed", (await _client.GetContactAsync(one.Id)).Name);

        var companies = await preview.UpsertCompaniesInBulkAsync(new[]
        {
            new IntercomCompanyWrite
            {
                CompanyId = "contract_bulk_co_1",
                Name = "Bulk Co",
                Plan = "Team",
                MonthlySpend = 120,
                Size = 5,
                Website = "https://bulk.example.test",
                Industry = "Testing",
                RemoteCreatedAt = 1700000000,
            },
            new IntercomCompanyWrite { CompanyId = "contract_bulk_co_2", Name = "Bulk Co Two" },
        });
        Assert.Equal("companies.bulk.job", companies.Type);
        Assert.Equal(IntercomBulkJobState.Completed,
            (await WaitUntilFinishedAsync(() => preview.GetCompaniesBulkJobAsync(companies.Id))).State);
        Assert.Equal("Bulk Co", (await _client.FindCompanyByCompanyIdAsync("contract_bulk_co_1"))!.Name);

        var attach = await preview.AttachContactsToCompaniesInBulkAsync(new[] { (one.Id, "contract_bulk_co_1") });
        Assert.Equal(IntercomBulkJobState.Completed,
            (await WaitUntilFinishedAsync(() => preview.GetContactsBulkJobAsync(attach.Id))).State);
        Assert.Contains(await _client.ListContactCompaniesAsync(one.Id), c => c.CompanyId == "contract_bulk_co_1");

        // Every Preview request went through the Preview proxy: 5 bulk writes and the job reads.
        Assert.Equal(preview.ApiCalls.Total, recorder.Exchanges);
        Assert.Equal(5, preview.ApiCalls.Writes);
        AssertNoRequestViolations(recorder: recorder);
    }

    private static async Task<IntercomBulkJob> WaitUntilFinishedAsync(Func<Task<IntercomBulkJob>> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var job = await read();
            if (job.IsFinished || DateTime.UtcNow > deadline)
            {
                return job;
            }

            await Task.Delay(100);
        }
    }
}
