using StripeIntercom.Sync;
using StripeIntercom.Tests.Intercom;
using Xunit;
using static StripeIntercom.Tests.Sync.SyncTestContext;

namespace StripeIntercom.Tests.Sync;

public class ContactIdentityTests
{
    [Theory]
    [InlineData(ContactLookupMode.Auto)]
    [InlineData(ContactLookupMode.PerCustomer)]
    [InlineData(ContactLookupMode.Bulk)]
    public async Task Finds_the_existing_user_by_external_id(ContactLookupMode mode)
    {
        await using var server = await IntercomTestServer.StartAsync();
        await PrepareAttributesAsync(server);
        var existing = server.State.Seed("user", "cus_000001", "old-address@example.test", "Customer 1");
        var sync = Synchronizer(server, mode);

        var result = await sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(1)));

        Assert.Equal(SyncAction.Updated, result.Action);
        Assert.Equal(existing.Id, result.ContactId);
        Assert.Contains(result.Changes, c => c.Name == "email" && (string?)c.OldValue == "old-address@example.test");
        Assert.Equal(0, server.State.Counters["POST /contacts"]);
        Assert.Single(server.State.Contacts);
    }

    [Theory]
    [InlineData(ContactLookupMode.Auto)]
    [InlineData(ContactLookupMode.PerCustomer)]
    [InlineData(ContactLookupMode.Bulk)]
    public async Task With_MergeLeads_adopts_a_lead_with_the_same_email_and_makes_it_the_user(ContactLookupMode mode)
    {
        await using var server = await IntercomTestServer.StartAsync();
        var lead = server.State.Seed("lead", null, "customer1@example.test");
        var sync = Synchronizer(server, mode, mergeLeads: true);

        var result = await sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(1)));

        var contact = Assert.Single(server.State.Contacts);
        Assert.Equal(SyncAction.Updated, result.Action);
        Assert.Equal(lead.Id, result.ContactId);
        Assert.Equal("user", contact.Role);
        Assert.Equal("cus_000001", contact.ExternalId);
        Assert.Contains(result.Changes, c => c.Name == "role" && (string?)c.OldValue == "lead");
        Assert.Equal(0, server.State.Counters["POST /contacts"]);
    }

    [Theory]
    [InlineData(ContactLookupMode.PerCustomer)]
    [InlineData(ContactLookupMode.Bulk)]
    public async Task Adopts_a_user_with_the_same_email_and_no_external_id(ContactLookupMode mode)
    {
        await using var server = await IntercomTestServer.StartAsync();
        var user = server.State.Seed("user", null, "CUSTOMER1@example.test");
        var sync = Synchronizer(server, mode);

        var result = await sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(1)));

        Assert.Equal(SyncAction.Updated, result.Action);
        Assert.Equal(ContactMatchedBy.Email, result.MatchedBy);
        Assert.Equal(user.Id, result.ContactId);
        // Adopted as it is: the billing attributes land, its identity (no external_id, its email's case) stays.
        var contact = Assert.Single(server.State.Contacts);
        Assert.Null(contact.ExternalId);
        Assert.Equal("CUSTOMER1@example.test", contact.Email);
        Assert.Equal("cus_000001", (string?)contact.CustomAttributes["stripe_customer_id"]);
    }

    [Theory]
    [InlineData(ContactLookupMode.Auto)]
    [InlineData(ContactLookupMode.PerCustomer)]
    [InlineData(ContactLookupMode.Bulk)]
    public async Task Two_users_sharing_the_email_are_a_conflict_and_nothing_is_written(ContactLookupMode mode)
    {
        await using var server = await IntercomTestServer.StartAsync();
        var first = server.State.Seed("user", null, "customer1@example.test");
        var second = server.State.Seed("user", "app_42", "customer1@example.test");
        var sync = Synchronizer(server, mode);

        var result = await sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(1)));

        Assert.Equal(SyncAction.Conflict, result.Action);
        Assert.Equal(new[] { first.Id, second.Id }, result.Candidates.Order());
        Assert.Contains("cus_000001", result.Error);
        Assert.Equal(0, server.State.Counters.Writes);
        Assert.All(server.State.Contacts, c => Assert.False(c.CustomAttributes.ContainsKey("stripe_customer_id")));
    }

    [Fact]
    public async Task Where_a_lead_cannot_be_updated_into_a_user_it_is_merged_into_a_new_user()
    {
        await using var server = await IntercomTestServer.StartAsync(o => o.AllowLeadToUserUpdate = false);
        var lead = server.State.Seed("lead", null, "customer1@example.test", "From The Lead");
        var sync = Synchronizer(server, ContactLookupMode.Bulk, mergeLeads: true);

        var result = await sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(1)));
        var again = await sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(1)));

        Assert.Equal(SyncAction.Updated, result.Action);
        Assert.NotEqual(lead.Id, result.ContactId);
        Assert.Equal(1, server.State.Counters["POST /contacts/merge"]);
        var user = Assert.Single(server.State.Contacts, c => c.IsVisible);
        Assert.Equal(result.ContactId, user.Id);
        Assert.Equal("cus_000001", user.ExternalId);
        Assert.True(server.State.Contacts.Single(c => c.Id == lead.Id).MergedInto);
        Assert.Equal(SyncAction.Unchanged, again.Action);
    }

    [Fact]
    public async Task A_409_on_create_adopts_the_contact_it_names()
    {
        // Search lags, so a user created a moment ago without external_id is not found by email; the 409 names it.
        await using var server = await IntercomTestServer.StartAsync(o => o.SearchLagSeconds = 60);
        await PrepareAttributesAsync(server);
        var recent
            = await server.CreateClient().CreateContactAsync(new() { Role = "user", Email = "customer1@example.test" });
        var sync = Synchronizer(server, ContactLookupMode.PerCustomer);

        var result = await sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(1)));

        Assert.Equal(SyncAction.Updated, result.Action);
        Assert.Equal(ContactMatchedBy.Email, result.MatchedBy);
        Assert.Equal(recent.Id, result.ContactId);
        Assert.Equal(1, server.State.Counters["PUT /contacts/{id}"]);
        Assert.Equal("cus_000001",
            (string?)Assert.Single(server.State.Contacts).CustomAttributes["stripe_customer_id"]);
    }

    [Fact]
    public async Task A_409_naming_another_customers_user_is_a_conflict()
    {
        await using var server = await IntercomTestServer.StartAsync(o => o.SearchLagSeconds = 60);
        await PrepareAttributesAsync(server);
        var sync = Synchronizer(server, ContactLookupMode.PerCustomer);
        var first = await sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(1)));
        var sameEmail = ProfileBuilder.Build(2);
        sameEmail.Email = "customer1@example.test";

        var result = await sync.SyncAsync(sync.BuildDraft(sameEmail));

        Assert.Equal(SyncAction.Conflict, result.Action);
        Assert.Equal(new[] { first.ContactId! }, result.Candidates);
        Assert.Equal("cus_000001", Assert.Single(server.State.Contacts).ExternalId);
    }

    [Fact]
    public async Task Auto_mode_switches_to_one_bulk_read_once_lookups_cost_as_much()
    {
        await using var server = await IntercomTestServer.StartAsync();
        await PrepareAttributesAsync(server);
        foreach (var profile in ProfileBuilder.BuildMany(400))
        {
            server.State.Seed("user", profile.Id, profile.Email, profile.Name);
        }

        var sync = Synchronizer(server, ContactLookupMode.Auto);

        foreach (var profile in ProfileBuilder.BuildMany(20))
        {
            await sync.SyncAsync(sync.BuildDraft(profile));
        }

        // 400 contacts = 3 pages: the first page is read up front, then 3 lookups, then the other 2 pages.
        Assert.True(sync.IsIndexComplete);
        Assert.Equal(3, sync.LookupsSpent);
        Assert.Equal(3, server.State.Counters["GET /contacts"]);
        Assert.Equal(3, server.State.Counters["GET /contacts/find_by_external_id/{external_id}"]);
        Assert.Equal(0, server.State.Counters["POST /contacts"]);
    }
}
