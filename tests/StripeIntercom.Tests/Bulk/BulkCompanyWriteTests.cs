using StripeIntercom.Bulk;
using StripeIntercom.Companies;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Resilience;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;
using StripeIntercom.Tests.Runs;
using Xunit;

namespace StripeIntercom.Tests.Bulk;

/// <summary>
/// The company phase writing through Intercom's Preview bulk jobs (POST /companies/bulk for the companies,
/// PUT /contacts/bulk for the attachments), over HTTP against both fakes: every company exactly once with its values,
/// every contact attached to its company, truthful results whatever the jobs did, and nothing written again by a
/// re-run.
/// </summary>
public class BulkCompanyWriteTests
{
    private const string AccountKey = "account_id";
    private const int Customers = 300;
    private const int Companies = 50;

    private sealed record Run(SyncRunOutcome Outcome, List<SyncResult> Contacts, List<CompanySyncResult> Companies);

    private static async Task<EngineRig> StartAsync()
    {
        var rig = await EngineRig.StartAsync(customers: Customers);
        rig.Intercom.Options.BulkJobDelayMs = 100;
        // ~50 companies of a few customers each, named by the account_id metadata.
        lock (rig.Stripe.State.Sync)
        {
            var live = rig.Stripe.State.LiveCustomers();
            for (var i = 0; i < live.Count; i++)
            {
                live[i].Metadata[AccountKey] = "acct-" + (i % Companies).ToString("00");
            }
        }

        return rig;
    }

    private static async Task<Run> RunAsync(EngineRig rig, ContactWriteMode mode = ContactWriteMode.Bulk,
        bool whatIf = false)
    {
        rig.Intercom.State.Counters.Reset();
        var job = rig.NewSyncJob(ContactLookupMode.Bulk, s =>
        {
            s.SyncCompanies = true;
            s.CompanyIdMetadataKey = AccountKey;
            s.WriteMode = mode;
            s.WhatIf = whatIf;
            s.BulkWrites = BulkTestOptions.Fast(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));
        });
        var contacts = new List<SyncResult>();
        var companies = new List<CompanySyncResult>();
        var reporting = new SyncRunReporting(r =>
        {
            lock (contacts)
            {
                contacts.Add(r);
            }
        }, companies.Add);
        var outcome = await job.RunAsync(CustomerQuery.All, reporting, CancellationToken.None);
        return new Run(outcome, contacts, companies);
    }

    /// <summary>
    /// Every company exactly once, listing its customers and holding each of their contacts, and no other company.
    /// </summary>
    private static void AssertCompaniesComplete(EngineRig rig)
    {
        var contacts = rig.LiveContacts().ToDictionary(c => c.ExternalId!);
        var members = rig.Stripe.State.LiveCustomers().GroupBy(c => c.Metadata[AccountKey]).ToList();
        Assert.Equal(Companies, members.Count);
        Assert.Equal(members.Select(m => m.Key).OrderBy(x => x, StringComparer.Ordinal),
            rig.Intercom.State.Companies.Select(c => c.CompanyId).OrderBy(x => x, StringComparer.Ordinal));
        foreach (var group in members)
        {
            var company = Assert.Single(rig.Intercom.State.Companies, c => c.CompanyId == group.Key);
            var ids = group.Select(c => c.Id).OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.Equal(string.Join(",", ids),
                company.CustomAttributes[CompanyAttributes.CustomerIds]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(company.Name));
            Assert.Equal(ids.Select(id => contacts[id].Id).OrderBy(x => x, StringComparer.Ordinal),
                rig.Intercom.State.ContactIdsOf(company).OrderBy(x => x, StringComparer.Ordinal));
        }
    }

    /// <summary>What a result says, without the labels of contacts a -WhatIf run had not made yet.</summary>
    private static string Describe(CompanySyncResult result) =>
        $"{result.CompanyId} {result.Action} {result.Name} [{string.Join(",", result.CustomerIds)}] "
        + string.Join("; ", result.Changes.Where(c => c.Name != "contact").Select(c => c.ToString()))
        + $" +{result.Changes.Count(c => c.Name == "contact")} contacts";

    [Fact]
    public async Task First_bulk_sync_writes_each_company_once_in_jobs_attaches_every_contact_a_rerun_writes_nothing()
    {
        await using var rig = await StartAsync();

        var preview = await RunAsync(rig, whatIf: true);
        Assert.Equal(0, rig.Intercom.State.Counters.Writes);
        Assert.Empty(rig.Intercom.State.BulkJobs);

        var first = await RunAsync(rig);

        Assert.Null(first.Outcome.StopError);
        Assert.True(first.Outcome.Summary.Succeeded, first.Outcome.Summary.ToString());
        Assert.Equal(Companies, first.Companies.Count);
        Assert.All(first.Companies, c => Assert.Equal(CompanySyncAction.Created, c.Action));
        // A company a bulk job created is not looked up (its id is not needed to attach): reported without it.
        Assert.All(first.Companies.Where(c => c.IntercomCompanyId != null),
            c => Assert.Equal(CompanyOf(rig, c.CompanyId).Id, c.IntercomCompanyId));
        // -WhatIf showed the same results; the re-run below, finding nothing to write, shows Intercom holds them.
        Assert.Equal(preview.Companies.Select(Describe), first.Companies.Select(Describe));
        AssertCompaniesComplete(rig);
        var counters = rig.Intercom.State.Counters;
        Assert.Equal(0, counters["POST /companies"]);
        Assert.Equal(0, counters["POST /contacts/{id}/companies"]);
        // 100 companies a request: the 50 leave in one, or a few when the flush delay parts them.
        Assert.InRange(counters["POST /companies/bulk"], 1, 3);
        var items = rig.Intercom.State.BulkJobs.SelectMany(j => j.Tasks).SelectMany(t => t.Items).ToList();
        Assert.Equal(rig.Stripe.State.LiveCustomers().Count, items.Count(i => i.Body["companies"] != null));
        Assert.DoesNotContain(items, i => i.Body["companies"] is { } companies
            && companies.ToJsonString().Contains("remove", StringComparison.Ordinal));

        var again = await RunAsync(rig);
        Assert.True(again.Outcome.Summary.Succeeded, again.Outcome.Summary.ToString());
        Assert.Equal(0, rig.Intercom.State.Counters.Writes);
        Assert.Equal(Companies, again.Companies.Count);
        Assert.All(again.Companies, c => Assert.Equal(CompanySyncAction.Unchanged, c.Action));
    }

    [Fact]
    public async Task A_companies_job_ending_completed_with_errors_is_written_again_one_by_one_and_ends_exactly_once()
    {
        await using var rig = await StartAsync();
        rig.Intercom.Options.RejectBulkItemsPercent = 20;

        var first = await RunAsync(rig);

        Assert.Null(first.Outcome.StopError);
        Assert.Contains(rig.Intercom.State.BulkJobs,
            j => j.Kind == FakeBulkJobKind.Companies && j.State == "completed_with_errors");
        Assert.True(first.Outcome.Summary.Succeeded, first.Outcome.Summary.ToString());
        Assert.All(first.Companies, c => Assert.Equal(CompanySyncAction.Created, c.Action));
        // A company a bulk job created is not looked up (its id is not needed to attach): reported without it.
        Assert.All(first.Companies.Where(c => c.IntercomCompanyId != null),
            c => Assert.Equal(CompanyOf(rig, c.CompanyId).Id, c.IntercomCompanyId));
        // The job does not say which company it rejected: each of its companies was written again on its own.
        var redone = rig.Intercom.State.BulkJobs
            .Where(j => j.Kind == FakeBulkJobKind.Companies && j.State == "completed_with_errors")
            .Sum(j => j.Tasks.Sum(t => t.Items.Count));
        Assert.Equal(redone, rig.Intercom.State.Counters["POST /companies"]);
        AssertCompaniesComplete(rig);

        rig.Intercom.Options.RejectBulkItemsPercent = 0;
        var again = await RunAsync(rig);
        Assert.Equal(0, rig.Intercom.State.Counters.Writes);
        Assert.All(again.Companies, c => Assert.Equal(CompanySyncAction.Unchanged, c.Action));
    }

    [Fact]
    public async Task A_lost_companies_job_stops_the_run_like_an_outage_and_the_next_run_ends_exactly_once()
    {
        await using var rig = await StartAsync();
        rig.Intercom.State.ArmFault(FakeFaultKind.LoseBulkJob, count: 1, route: "POST /companies/bulk");

        var stopped = await RunAsync(rig);

        var outage = Assert.IsType<ServiceUnavailableException>(stopped.Outcome.StopError);
        Assert.Contains("bulk job", outage.Message);
        Assert.True(stopped.Outcome.Summary.Stopped);
        Assert.NotEmpty(stopped.Contacts);
        var lost = rig.Intercom.State.BulkJobs.SelectMany(j => j.Tasks).Where(t => t.Lost).SelectMany(t => t.Items)
            .Select(i => i.Body["company_id"]!.GetValue<string>()).ToHashSet();
        Assert.NotEmpty(lost);
        // None of the lost job's companies is reported, and nothing after the first of them.
        Assert.All(stopped.Companies, c => Assert.Equal(CompanySyncAction.Created, c.Action));
        Assert.DoesNotContain(stopped.Companies, c => lost.Contains(c.CompanyId));
        Assert.DoesNotContain(rig.Intercom.State.Companies, c => lost.Contains(c.CompanyId));

        var next = await RunAsync(rig);
        Assert.True(next.Outcome.Summary.Succeeded, next.Outcome.Summary.ToString());
        Assert.All(next.Companies.Where(c => lost.Contains(c.CompanyId)),
            c => Assert.Equal(CompanySyncAction.Created, c.Action));
        AssertCompaniesComplete(rig);
    }

    private static FakeCompany CompanyOf(EngineRig rig, string companyId) =>
        rig.Intercom.State.FindCompanyByCompanyId(companyId);
}
