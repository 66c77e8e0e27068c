using System.Text.Json;
using System.Text.Json.Nodes;
using StripeIntercom.Companies;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Fakes.Stripe;
using StripeIntercom.Intercom;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;
using StripeIntercom.Tests.Runs;
using Xunit;
using Xunit.Abstractions;

namespace StripeIntercom.Tests.Companies;

/// <summary>
/// The company phase on the shipped engine over both fakes: a full run as Invoke-StripeIntercomSync -SyncCompany runs
/// it (bulk reads, a <see cref="SyncJob"/> with <see cref="SyncSettings.SyncCompanies"/>: customers, then their
/// companies), and scheduled runs through <see cref="StateFileSync"/>.
/// </summary>
public class CompanySyncTests(ITestOutputHelper output)
{
    private const string AccountKey = "account_id";

    /// <param name="AttributeCalls">
    /// Listing and creating data attributes: once per workspace, whatever the number of customers.
    /// </param>
    private sealed record FullRun(SyncSummary Summary, List<SyncResult> Contacts, List<CompanySyncResult> Companies,
        int IntercomCalls, int IntercomWrites, int AttributeCalls);

    /// <param name="companyIdMetadataKey">
    /// The Stripe metadata key naming each customer's company; the customer's own id when null.
    /// </param>
    private static async Task<FullRun> RunFullAsync(EngineRig rig, string? companyIdMetadataKey = null)
    {
        rig.Intercom.State.Counters.Reset();
        rig.Intercom.State.ClearRequestLog();
        var job = rig.NewSyncJob(ContactLookupMode.Bulk, s =>
        {
            s.SyncCompanies = true;
            s.CompanyIdMetadataKey = companyIdMetadataKey;
        });
        var contacts = new List<SyncResult>();
        var companyResults = new List<CompanySyncResult>();
        var reporting = new SyncRunReporting(r =>
        {
            lock (contacts)
            {
                contacts.Add(r);
            }
        }, companyResults.Add);
        var outcome = await job.RunAsync(CustomerQuery.All, reporting, CancellationToken.None);
        // The company phase ran to its end: the run did not stop, in its customers or in its companies.
        Assert.False(outcome.Summary.Stopped, outcome.Summary.StopReason);
        var counters = rig.Intercom.State.Counters;
        return new FullRun(outcome.Summary, contacts, companyResults, counters.Total, counters.Writes,
            counters.ByRoute.Where(p => p.Key.Contains("/data_attributes", StringComparison.Ordinal))
                .Sum(p => p.Value));
    }

    private static FakeCompany CompanyOf(EngineRig rig, string companyId) =>
        rig.Intercom.State.FindCompanyByCompanyId(companyId);

    private static JsonNode? Custom(FakeCompany company, string name) =>
        company.CustomAttributes.TryGetValue(name, out var node) ? node : null;

    private static Task<CustomerProfile> ProfileAsync(EngineRig rig, string customerId) => rig.ProfileAsync(customerId);

    [Fact]
    public async Task First_sync_creates_every_company_with_its_values_and_contact_and_a_re_run_writes_nothing()
    {
        await using var rig = await EngineRig.StartAsync(customers: 150);
        var first = await RunFullAsync(rig);
        var customers = rig.Stripe.State.LiveCustomers();
        // The data attributes are made once per workspace (about 40 calls here, nothing on later runs): the
        // per-customer cost is what grows with the customers; the benchmark shows both over 10,000.
        var perCustomer = (double)(first.IntercomCalls - first.AttributeCalls) / customers.Count;
        output.WriteLine(
            $"first sync: {customers.Count} customers, {first.IntercomCalls} Intercom calls "
            + $"of which {first.AttributeCalls} set up data attributes; "
            + $"{perCustomer:0.000} calls per customer without them, "
            + $"{(double)first.IntercomCalls / customers.Count:0.000} with them; {first.Summary}");
        Assert.True(first.Summary.Succeeded, first.Summary.ToString());
        Assert.Equal(customers.Count, first.Summary.CompaniesCreated);
        Assert.InRange(perCustomer, 0, 3.1);

        var contacts = rig.LiveContacts().ToDictionary(c => c.ExternalId!);
        foreach (var customer in customers)
        {
            var profile = await ProfileAsync(rig, customer.Id);
            var company = CompanyOf(rig, customer.Id);
            Assert.Equal(profile.Plan, company.Plan);
            Assert.Equal((long)Math.Round(profile.Mrr, MidpointRounding.AwayFromZero), company.MonthlySpend);
            Assert.Equal(customer.Id, Custom(company, CompanyAttributes.CustomerIds)!.GetValue<string>());
            Assert.Equal(profile.SubscriptionStatus, Custom(company, "stripe_subscription_status")!.GetValue<string>());
            Assert.Equal(Math.Round(profile.Mrr, 2), Custom(company, "stripe_mrr")!.GetValue<decimal>());
            Assert.Contains(contacts[customer.Id].Id, rig.Intercom.State.ContactIdsOf(company));
        }

        var companyAttributes
            = rig.Intercom.State.DataAttributes.Where(a => a.Model == "company").Select(a => a.Name).ToHashSet();
        Assert.All(CompanyAttributes.CatalogNames.Append(CompanyAttributes.CustomerIds),
            name => Assert.Contains(name, companyAttributes));

        var again = await RunFullAsync(rig);
        var rerunPerCustomer = (double)again.IntercomCalls / customers.Count;
        output.WriteLine(
            $"unchanged re-run: {again.IntercomCalls} Intercom calls ({rerunPerCustomer:0.000} per customer), "
            + $"{again.IntercomWrites} writes, {again.Summary}");
        Assert.Equal(0, again.IntercomWrites);
        Assert.Equal(customers.Count, again.Summary.CompaniesUnchanged);
        Assert.All(again.Companies, c => Assert.Equal(CompanySyncAction.Unchanged, c.Action));
        Assert.InRange(rerunPerCustomer, 0, 0.05);
    }

    [Fact]
    public async Task A_customer_name_longer_than_Intercom_takes_names_its_company_cut_to_255_characters()
    {
        await using var rig = await EngineRig.StartAsync(customers: 0);
        var customer = rig.Stripe.State.CreateCustomer(new FakeCustomerChange
        {
            Email = "long@example.com",
            Name = new string('n', 300),
            SubscriptionStatus = "active",
        });

        var first = await RunFullAsync(rig);

        Assert.True(first.Summary.Succeeded, first.Summary.ToString());
        Assert.Equal(new string('n', IntercomFieldLimits.CompanyName), CompanyOf(rig, customer.Id).Name);
        Assert.Equal(0, (await RunFullAsync(rig)).IntercomWrites);
    }

    [Fact]
    public async Task The_apps_companies_are_updated_in_place_and_keep_their_users()
    {
        await using var rig = await EngineRig.StartAsync(customers: 40);
        var withAccount
            = rig.Stripe.State.LiveCustomers().Where(c => c.Metadata.ContainsKey(AccountKey)).Take(3).ToList();
        Assert.Equal(3, withAccount.Count);
        var appUsers = new List<FakeContact>();
        foreach (var customer in withAccount)
        {
            // The app's Messenger made the company and its users: user_id is the app's own, not the Stripe customer id.
            var user = rig.Intercom.State.Seed(
                "user", "app-user-" + customer.Metadata[AccountKey], "teammate-" + customer.Id + "@example.test");
            rig.Intercom.State.SeedCompany(
                customer.Metadata[AccountKey], name: "App name " + customer.Id, contacts: user);
            appUsers.Add(user);
        }

        var run = await RunFullAsync(rig, AccountKey);
        Assert.True(run.Summary.Succeeded, run.Summary.ToString());
        var contacts = rig.LiveContacts().Where(c => c.ExternalId != null).ToDictionary(c => c.ExternalId!);
        for (var i = 0; i < withAccount.Count; i++)
        {
            var customer = withAccount[i];
            var accountId = customer.Metadata[AccountKey];
            Assert.Single(rig.Intercom.State.Companies, c => c.CompanyId == accountId);
            Assert.DoesNotContain(rig.Intercom.State.Companies, c => c.CompanyId == customer.Id);
            var company = CompanyOf(rig, accountId);
            Assert.Equal("App name " + customer.Id, company.Name);
            Assert.Equal((await ProfileAsync(rig, customer.Id)).Plan, company.Plan);
            var attached = rig.Intercom.State.ContactIdsOf(company);
            Assert.Contains(appUsers[i].Id, attached);
            Assert.Contains(contacts[customer.Id].Id, attached);
            Assert.Equal(CompanySyncAction.Updated, run.Companies.Single(c => c.CompanyId == accountId).Action);
        }

        Assert.DoesNotContain(rig.Intercom.State.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task Several_customers_naming_one_company_make_one_company_with_summed_MRR_stable_across_runs()
    {
        await using var rig = await EngineRig.StartAsync(customers: 40);
        var paying = new List<(FakeCustomer Customer, CustomerProfile Profile)>();
        foreach (var customer in rig.Stripe.State.LiveCustomers())
        {
            var profile = await ProfileAsync(rig, customer.Id);
            if (profile.Mrr > 0 && profile.MrrCurrency == "usd")
            {
                paying.Add((customer, profile));
            }
        }

        var members = paying.Take(3).ToList();
        Assert.Equal(3, members.Count);
        lock (rig.Stripe.State.Sync)
        {
            foreach (var (customer, _) in members)
            {
                customer.Metadata[AccountKey] = "acct-shared";
            }
        }

        var first = await RunFullAsync(rig, AccountKey);
        Assert.True(first.Summary.Succeeded, first.Summary.ToString());
        var company = CompanyOf(rig, "acct-shared");
        var expectedSpend = (long)Math.Round(members.Sum(m => m.Profile.Mrr), MidpointRounding.AwayFromZero);
        Assert.Equal(expectedSpend, company.MonthlySpend);
        Assert.Equal(string.Join(",", members.Select(m => m.Customer.Id).OrderBy(x => x, StringComparer.Ordinal)),
            Custom(company, CompanyAttributes.CustomerIds)!.GetValue<string>());
        var best = members.Select(m => m.Profile).Aggregate((a, b) => CompanyAggregate.Better(a, b) ? a : b);
        Assert.Equal(best.Plan, company.Plan);
        Assert.Equal(best.SubscriptionStatus, Custom(company, "stripe_subscription_status")!.GetValue<string>());
        var contacts = rig.LiveContacts().ToDictionary(c => c.ExternalId!);
        Assert.Equal(members.Select(m => contacts[m.Customer.Id].Id).OrderBy(x => x),
            rig.Intercom.State.ContactIdsOf(company).OrderBy(x => x));

        var again = await RunFullAsync(rig, AccountKey);
        Assert.Equal(0, again.IntercomWrites);
        Assert.Equal(CompanySyncAction.Unchanged, again.Companies.Single(c => c.CompanyId == "acct-shared").Action);
    }

    [Fact]
    public async Task
        Incremental_runs_write_exactly_the_changed_customers_companies_and_mark_a_deleted_customers_company()
    {
        await using var rig = await EngineRig.StartAsync(customers: 60);
        var first = await RunScheduledAsync(rig);
        Assert.False(first.Outcome.Summary.Stopped);
        Assert.Equal(rig.Stripe.State.LiveCustomers().Count, first.Outcome.Summary.CompaniesCreated);

        var live = rig.Stripe.State.LiveCustomers();
        var changed = Enumerable.Range(0, 5).Select(i => live[i * 7].Id).ToList();
        foreach (var id in changed)
        {
            rig.Stripe.State.ChangeCustomer(id, new FakeCustomerChange { Balance = 9100 + changed.IndexOf(id) });
        }

        var deleted = live[3].Id;
        rig.Stripe.State.DeleteCustomer(deleted);
        rig.Intercom.State.ClearRequestLog();

        var second = await RunScheduledAsync(rig);
        Assert.False(second.Outcome.Summary.Stopped, second.Outcome.Summary.StopReason);
        var writtenCompanies = rig.Intercom.State.Requests
            .Where(r => r.Route == "POST /companies" && r.Status < 300)
            .Select(r => JsonDocument.Parse(r.Body!).RootElement.GetProperty("company_id").GetString()!)
            .ToHashSet();
        output.WriteLine(
            $"incremental: {second.Outcome.Summary}; companies written: {string.Join(",", writtenCompanies)}");
        Assert.Equal(changed.Append(deleted).OrderBy(x => x), writtenCompanies.OrderBy(x => x));
        foreach (var id in changed)
        {
            Assert.Equal((await ProfileAsync(rig, id)).Balance,
                Custom(CompanyOf(rig, id), "stripe_balance")!.GetValue<decimal>());
        }

        Assert.True(Custom(CompanyOf(rig, deleted), "stripe_deleted")!.GetValue<bool>());
        Assert.Equal(0, CompanyOf(rig, deleted).MonthlySpend);
        Assert.Empty(rig.State().RetryCustomerIds);
        await rig.AssertIntercomMatchesStripeAsync();
    }

    [Fact]
    public async Task A_rejected_token_in_the_company_phase_stops_the_run_once_and_the_next_run_syncs_those_companies()
    {
        await using var rig = await EngineRig.StartAsync(customers: 40);
        var first = await RunScheduledAsync(rig);
        Assert.False(first.Outcome.Summary.Stopped);

        var live = rig.Stripe.State.LiveCustomers();
        var changed = Enumerable.Range(0, 4).Select(i => live[i * 9].Id).ToList();
        foreach (var id in changed)
        {
            rig.Stripe.State.ChangeCustomer(id, new FakeCustomerChange { Balance = 7700 + changed.IndexOf(id) });
        }
        // The customers' contacts are written; the first company write meets a revoked token.
        rig.Intercom.State.ArmFault(FakeFaultKind.Unauthorized401, 1, "POST /companies");
        var second = await RunScheduledAsync(rig);
        Assert.IsType<IntercomAuthenticationException>(second.Outcome.StopError);
        Assert.True(second.Outcome.Summary.Stopped);
        Assert.Contains("companies", second.Outcome.Summary.StopReason);
        Assert.Equal(changed.Count, second.Outcome.Summary.Updated);
        // Nothing is lost: every customer whose company was not reported synced is retried.
        var notReported = changed
            .Where(id => !second.Companies.Any(c => c.Action != CompanySyncAction.Failed && c.CustomerIds.Contains(id)))
            .ToList();
        Assert.NotEmpty(notReported);
        Assert.Equal(notReported.OrderBy(x => x), rig.State().RetryCustomerIds.OrderBy(x => x));

        rig.Intercom.State.ClearRequestLog();
        var third = await RunScheduledAsync(rig);
        Assert.False(third.Outcome.Summary.Stopped, third.Outcome.Summary.StopReason);
        Assert.Empty(rig.State().RetryCustomerIds);
        foreach (var id in changed)
        {
            Assert.Equal((await ProfileAsync(rig, id)).Balance,
                Custom(CompanyOf(rig, id), "stripe_balance")!.GetValue<decimal>());
        }
    }

    private static async Task<(SyncRunOutcome Outcome, List<CompanySyncResult> Companies)> RunScheduledAsync(
        EngineRig rig)
    {
        var companies = new List<CompanySyncResult>();
        var job = rig.NewJob(rig.NewSyncJob(configure: s => s.SyncCompanies = true));
        var outcome = await job.RunAsync(new SyncRunReporting(null, companies.Add), CancellationToken.None);
        return (outcome, companies);
    }
}
