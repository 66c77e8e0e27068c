using System.Text.Json.Nodes;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Fakes.Stripe;
using StripeIntercom.Runs;
using StripeIntercom.Sync;
using Xunit;
using Xunit.Abstractions;

namespace StripeIntercom.Tests.Runs;

/// <summary>
/// Syncing into a workspace the app already fills: its users carry the app's own ids, leads share paying customers'
/// emails, people re-subscribe as second Stripe customers. Over both fakes, through the shipped engine.
/// </summary>
public class WorkspaceIdentityTests(ITestOutputHelper output)
{
    private const string AppIdKey = "app_user_id";

    /// <summary>
    /// 30 Stripe customers; the first 20 exist as the app's users (external_id app_N, same email, some other attribute
    /// of
    /// the app's); the first 10 of those carry app_N in metadata, the next 10 do not.
    /// </summary>
    private static async Task<(EngineRig Rig, List<FakeCustomer> Customers)> AppWorkspaceAsync()
    {
        var rig = await EngineRig.StartAsync(customers: 0);
        var customers = new List<FakeCustomer>();
        for (var i = 0; i < 30; i++)
        {
            customers.Add(rig.Stripe.State.CreateCustomer(new FakeCustomerChange
            {
                Email = $"person{i}@example.com",
                Name = $"Person {i}",
                SubscriptionStatus = i % 3 == 0 ? null : "active",
                Metadata = i < 10 ? new Dictionary<string, string> { [AppIdKey] = $"app_{i}" } : null,
            }));
        }

        for (var i = 0; i < 20; i++)
        {
            rig.Intercom.State.Seed("user", $"app_{i}", $"Person{i}@Example.com", $"App Name {i}",
                new Dictionary<string, object?> { ["plan_tier"] = "gold" });
        }

        return (rig, customers);
    }

    [Theory]
    [InlineData(ContactLookupMode.Bulk)]
    [InlineData(ContactLookupMode.PerCustomer)]
    public async Task The_apps_users_get_the_billing_context_and_no_second_person_is_created(ContactLookupMode mode)
    {
        var (rig, customers) = await AppWorkspaceAsync();
        await using var _ = rig;
        var before = rig.Intercom.State.Contacts.ToDictionary(c => c.Id, c => (c.ExternalId, c.Email, c.Name));

        var first = await rig.SyncEveryoneAsync(rig.NewSyncJob(mode, o => o.ExternalIdMetadataKey = AppIdKey));

        Assert.DoesNotContain(first, r => r.Action is SyncAction.Failed or SyncAction.Conflict);
        Assert.All(customers.Take(10),
            c => Assert.Equal(ContactMatchedBy.ExternalId, first.Single(r => r.CustomerId == c.Id).MatchedBy));
        Assert.All(customers.Skip(10).Take(10),
            c => Assert.Equal(ContactMatchedBy.Email, first.Single(r => r.CustomerId == c.Id).MatchedBy));
        Assert.All(customers.Skip(20),
            c => Assert.Equal(ContactMatchedBy.Created, first.Single(r => r.CustomerId == c.Id).MatchedBy));

        var contacts = rig.LiveContacts();
        Assert.Equal(30, contacts.Count);
        foreach (var (id, identity) in before)
        {
            var contact = contacts.Single(c => c.Id == id);
            Assert.Equal(identity, (contact.ExternalId, contact.Email, contact.Name));
            Assert.Equal("gold", (string?)contact.CustomAttributes["plan_tier"]);
        }

        for (var i = 0; i < 20; i++)
        {
            var user = contacts.Single(c => c.ExternalId == $"app_{i}");
            Assert.Equal(customers[i].Id, (string?)user.CustomAttributes["stripe_customer_id"]);
            Assert.NotNull(user.CustomAttributes["stripe_subscription_status"]);
        }

        rig.Intercom.State.Counters.Reset();
        var again = await rig.SyncEveryoneAsync(rig.NewSyncJob(mode, o => o.ExternalIdMetadataKey = AppIdKey));
        output.WriteLine(
            $"{mode}: re-run {rig.Intercom.State.Counters.Total} Intercom calls, "
            + $"{rig.Intercom.State.Counters.Writes} writes");
        Assert.All(again, r => Assert.Equal(SyncAction.Unchanged, r.Action));
        Assert.Equal(0, rig.Intercom.State.Counters.Writes);
        await rig.AssertIntercomMatchesStripeAsync(byLink: true);
    }

    [Fact]
    public async Task A_lead_with_a_customers_email_is_left_alone_unless_MergeLeads()
    {
        await using var rig = await EngineRig.StartAsync(customers: 0);
        var customer = rig.Stripe.State.CreateCustomer(new FakeCustomerChange
        {
            Email = "visitor@example.com",
            Name = "Real Payer",
            SubscriptionStatus = "active",
        });
        var lead = rig.Intercom.State.Seed("lead", null, "visitor@example.com", "Someone Chatting");

        var plain = await rig.SyncEveryoneAsync(rig.NewSyncJob(ContactLookupMode.PerCustomer));

        Assert.Equal(ContactMatchedBy.Created, Assert.Single(plain).MatchedBy);
        var untouched = rig.Intercom.State.Contacts.Single(c => c.Id == lead.Id);
        Assert.Equal("lead", untouched.Role);
        Assert.False(untouched.CustomAttributes.ContainsKey("stripe_customer_id"));
        Assert.Single(rig.LiveContacts(), c => c.IsUser && c.ExternalId == customer.Id);

        // With -MergeLeads, in a workspace where the user does not exist yet, the lead becomes the customer's user.
        await using var merging = await EngineRig.StartAsync(customers: 0);
        var payer = merging.Stripe.State.CreateCustomer(new FakeCustomerChange
        {
            Email = "visitor@example.com",
            Name = "Real Payer",
            SubscriptionStatus = "active",
        });
        var mergedLead = merging.Intercom.State.Seed("lead", null, "visitor@example.com", "Someone Chatting");

        var merged = await merging.SyncEveryoneAsync(
            merging.NewSyncJob(ContactLookupMode.PerCustomer, o => o.MergeLeads = true));

        Assert.Equal(ContactMatchedBy.Lead, Assert.Single(merged).MatchedBy);
        var user = Assert.Single(merging.LiveContacts());
        Assert.Equal(mergedLead.Id, user.Id);
        Assert.Equal("user", user.Role);
        Assert.Equal(payer.Id, user.ExternalId);
    }

    [Fact]
    public async Task
        Two_users_sharing_the_email_and_neither_carrying_the_customer_are_a_conflict_and_nothing_is_written()
    {
        await using var rig = await EngineRig.StartAsync(customers: 0);
        rig.Stripe.State.CreateCustomer(
            new FakeCustomerChange { Email = "team@example.com", SubscriptionStatus = "active" });
        var a = rig.Intercom.State.Seed("user", "app_a", "team@example.com", "A");
        var b = rig.Intercom.State.Seed("user", "app_b", "team@example.com", "B");
        rig.Intercom.State.Counters.Reset();

        var results = await rig.SyncEveryoneAsync(rig.NewSyncJob(ContactLookupMode.Bulk));

        var conflict = Assert.Single(results);
        Assert.Equal(SyncAction.Conflict, conflict.Action);
        Assert.Equal(new[] { a.Id, b.Id }.OrderBy(x => x), conflict.Candidates.OrderBy(x => x));
        Assert.Equal(2, rig.LiveContacts().Count);
        Assert.Equal(0,
            rig.Intercom.State.Counters.ByRoute
                .Where(p => p.Key.Contains("/contacts") && !p.Key.StartsWith("GET") && p.Key != "POST /contacts/search")
                .Sum(p => p.Value));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(16, false)]
    [InlineData(1, true)]
    [InlineData(16, true)]
    public async Task Stripe_customers_sharing_an_email_get_one_contact_carrying_the_best_ranked_whatever_the_order(
        int throttleLimit, bool bestFirst)
    {
        await using var rig = await EngineRig.StartAsync(customers: 0);
        FakeCustomer Make(string? status, string name) =>
            rig.Stripe.State.CreateCustomer(
                new FakeCustomerChange { Email = "again@example.com", Name = name, SubscriptionStatus = status });
        // Stripe lists newest first: bestFirst puts the best-ranked customer first in the run.
        var customers = bestFirst
            ? new[] { Make(null, "No Plan"), Make("canceled", "Old Plan"), Make("active", "Paying") }
            : new[] { Make("active", "Paying"), Make("canceled", "Old Plan"), Make(null, "No Plan") };
        for (var i = 0; i < 5; i++)
        {
            rig.Stripe.State.CreateCustomer(
                new FakeCustomerChange { Email = $"other{i}@example.com", SubscriptionStatus = "active" });
        }

        var paying = customers.Single(c => c.Name == "Paying");

        var first = await rig.SyncEveryoneAsync(
            rig.NewSyncJob(ContactLookupMode.Bulk, o => o.ThrottleLimit = throttleLimit));

        Assert.DoesNotContain(first, r => r.Action is SyncAction.Failed or SyncAction.Conflict);
        var shared = Assert.Single(rig.LiveContacts(),
            c => string.Equals(c.Email, "again@example.com", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(paying.Id, (string?)shared.CustomAttributes["stripe_customer_id"]);
        Assert.Equal("active", (string?)shared.CustomAttributes["stripe_subscription_status"]);
        Assert.Equal(
            string.Join(",",
                customers.Where(c => c != paying).Select(c => c.Id).OrderBy(id => id, StringComparer.Ordinal)),
            (string?)shared.CustomAttributes["stripe_other_customer_ids"]);
        Assert.Equal(6, rig.LiveContacts().Count);
        // A sibling synced before any other of its email creates the contact (it cannot know yet); every later one
        // settles.
        Assert.All(customers.Where(c => c != paying),
            c => Assert.Contains(first.Single(r => r.CustomerId == c.Id).MatchedBy,
                new[] { ContactMatchedBy.Sibling, ContactMatchedBy.Created }));
        Assert.Contains(first, r => r.MatchedBy == ContactMatchedBy.Sibling);

        rig.Intercom.State.Counters.Reset();
        var again = await rig.SyncEveryoneAsync(
            rig.NewSyncJob(ContactLookupMode.PerCustomer, o => o.ThrottleLimit = throttleLimit));
        Assert.All(again, r => Assert.Equal(SyncAction.Unchanged, r.Action));
        Assert.Equal(0, rig.Intercom.State.Counters.Writes);
        Assert.Equal(paying.Id,
            (string?)Assert.Single(rig.LiveContacts(), c => c.Email == shared.Email)
                .CustomAttributes["stripe_customer_id"]);
    }

    // Across runs, a per-customer lookup meets Intercom's search lag: a contact created a moment ago by another run is
    // not found by email yet. A customer whose email other Stripe customers share asks for their contacts by
    // external_id.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_second_customer_with_the_email_synced_alone_within_the_search_lag_gets_no_second_contact(
        bool newerRanksBetter)
    {
        await using var rig = await EngineRig.StartAsync(customers: 0);
        rig.Intercom.Options.SearchLagSeconds = 600;
        var older = rig.Stripe.State.CreateCustomer(new FakeCustomerChange
        {
            Email = "again@example.com",
            Name = "First",
            SubscriptionStatus = newerRanksBetter ? "canceled" : "active",
        });
        var created = await rig.NewSyncJob(ContactLookupMode.PerCustomer)
            .SyncCustomerAsync(older.Id, SyncRunReporting.None, CancellationToken.None);
        Assert.Equal(SyncAction.Created, created.Action);

        // A webhook for the re-subscription, seconds later: a new session, one customer, the first contact not
        // searchable.
        var newer = rig.Stripe.State.CreateCustomer(new FakeCustomerChange
        {
            Email = "Again@example.com",
            Name = "Second",
            SubscriptionStatus = newerRanksBetter ? "active" : null,
        });
        var second = await rig.NewSyncJob(ContactLookupMode.PerCustomer)
            .SyncCustomerAsync(newer.Id, SyncRunReporting.None, CancellationToken.None);

        Assert.NotEqual(SyncAction.Failed, second.Action);
        Assert.Equal(created.ContactId, second.ContactId);
        var contact = Assert.Single(rig.LiveContacts());
        var best = newerRanksBetter ? newer : older;
        var other = newerRanksBetter ? older : newer;
        Assert.Equal(best.Id, (string?)contact.CustomAttributes["stripe_customer_id"]);
        Assert.Equal(other.Id, (string?)contact.CustomAttributes["stripe_other_customer_ids"]);

        // Once the lag has passed, a full run of both agrees and writes nothing.
        rig.Intercom.Options.SearchLagSeconds = 0;
        foreach (var c in rig.Intercom.State.Contacts)
        {
            c.SearchableFrom = DateTimeOffset.MinValue;
        }

        rig.Intercom.State.Counters.Reset();
        // Stripe's email filter is case-sensitive: each finds the other through the ids the contact carries and lists.
        foreach (var mode in new[] { ContactLookupMode.PerCustomer, ContactLookupMode.Bulk })
        {
            var again = await rig.SyncEveryoneAsync(rig.NewSyncJob(mode));
            Assert.All(again, r => Assert.Equal(SyncAction.Unchanged, r.Action));
            Assert.Equal(0, rig.Intercom.State.Counters.Writes);
        }
    }
}
