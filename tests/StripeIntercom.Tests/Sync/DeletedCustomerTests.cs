using StripeIntercom.Stripe;
using StripeIntercom.Sync;
using StripeIntercom.Tests.Intercom;
using Xunit;

namespace StripeIntercom.Tests.Sync;

public sealed class DeletedCustomerTests
{
    private static CustomerProfile DeletedVersionOf(CustomerProfile live) => new()
    {
        Id = live.Id,
        Deleted = true,
        Livemode = live.Livemode,
        DashboardUrl = live.DashboardUrl,
    };

    private static async Task<(IntercomTestServer Server, CustomerProfile Live)> SyncedCustomerAsync()
    {
        var server = await IntercomTestServer.StartAsync();
        var live = ProfileBuilder.Build(1);
        Assert.Equal(SyncAction.Created, (await SyncTestContext.Synchronizer(server).SyncAsync(live)).Action);
        return (server, live);
    }

    [Fact]
    public async Task Mark_sets_deleted_clears_subscription_fields_and_keeps_what_Stripe_no_longer_reports()
    {
        var (server, live) = await SyncedCustomerAsync();
        await using var _ = server;
        var synchronizer = SyncTestContext.Synchronizer(server, ContactLookupMode.PerCustomer);

        var result = await synchronizer.SyncAsync(DeletedVersionOf(live));

        Assert.Equal(SyncAction.Updated, result.Action);
        var contact = server.State.Contacts.Single(c => c.ExternalId == live.Id);
        Assert.True(contact.CustomAttributes["stripe_deleted"]!.GetValue<bool>());
        Assert.Equal("none", contact.CustomAttributes["stripe_subscription_status"]!.GetValue<string>());
        Assert.Null(contact.CustomAttributes["stripe_subscription_id"]);
        Assert.Equal((double)live.Balance, contact.CustomAttributes["stripe_balance"]!.GetValue<double>(), 2);
        Assert.DoesNotContain(result.Changes, c => c.Name == "stripe_balance" || c.Name == "stripe_created_at");

        var again
            = await SyncTestContext.Synchronizer(server, ContactLookupMode.Bulk).SyncAsync(DeletedVersionOf(live));
        Assert.Equal(SyncAction.Unchanged, again.Action);
    }

    [Fact]
    public async Task Archive_archives_the_contact()
    {
        var (server, live) = await SyncedCustomerAsync();
        await using var _ = server;
        var options = new SyncOptions
        {
            DeletedCustomerAction = DeletedCustomerAction.Archive,
            LookupMode = ContactLookupMode.PerCustomer,
        };
        var synchronizer = new ContactSynchronizer(server.CreateClient(), AttributeMap.Default, options);

        var result = await synchronizer.SyncAsync(DeletedVersionOf(live));

        Assert.Equal(SyncAction.Archived, result.Action);
        Assert.True(server.State.Contacts.Single(c => c.ExternalId == live.Id).Archived);
    }

    [Fact]
    public async Task Ignore_writes_nothing_and_a_deleted_customer_never_gets_a_new_contact()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var ignore = new ContactSynchronizer(server.CreateClient(), AttributeMap.Default,
            new SyncOptions { DeletedCustomerAction = DeletedCustomerAction.Ignore });
        var mark = SyncTestContext.Synchronizer(server, ContactLookupMode.PerCustomer);
        var deleted = DeletedVersionOf(ProfileBuilder.Build(2));

        Assert.Equal(SyncAction.Skipped, (await ignore.SyncAsync(deleted)).Action);
        var marked = await mark.SyncAsync(deleted);

        Assert.Equal(SyncAction.Skipped, marked.Action);
        Assert.Contains(deleted.Id, marked.Error);
        Assert.Empty(server.State.Contacts);
    }
}
