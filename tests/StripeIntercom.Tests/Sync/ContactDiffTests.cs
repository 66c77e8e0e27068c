using System.Text.Json.Nodes;
using StripeIntercom.Intercom;
using StripeIntercom.Sync;
using StripeIntercom.Tests.Intercom;
using Xunit;
using static StripeIntercom.Tests.Sync.SyncTestContext;

namespace StripeIntercom.Tests.Sync;

public class ContactDiffTests
{
    [Fact]
    public async Task Creates_the_missing_attributes_then_the_contact()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var sync = Synchronizer(server);

        var result = await sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(1)));

        Assert.Equal(SyncAction.Created, result.Action);
        Assert.False(result.WhatIf);
        Assert.Equal(27, server.State.DataAttributes.Count(a => a.Custom));
        var contact = Assert.Single(server.State.Contacts);
        Assert.Equal(result.ContactId, contact.Id);
        Assert.Equal("trialing", (string?)contact.CustomAttributes["stripe_subscription_status"]);
        Assert.Contains(result.Changes,
            c => c.Name == "stripe_subscription_status" && c.OldValue is null && (string?)c.NewValue == "trialing");
    }

    [Fact]
    public async Task An_unchanged_contact_costs_no_write()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var profile = ProfileBuilder.Build(3);
        var first = Synchronizer(server);
        await first.SyncAsync(first.BuildDraft(profile));
        server.State.Counters.Reset();

        var again = Synchronizer(server);
        var result = await again.SyncAsync(again.BuildDraft(profile));

        Assert.Equal(SyncAction.Unchanged, result.Action);
        Assert.Empty(result.Changes);
        Assert.Equal(0, server.State.Counters.Writes);
    }

    [Fact]
    public async Task One_changed_field_is_sent_alone()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var profile = ProfileBuilder.Build(3);
        var first = Synchronizer(server);
        await first.SyncAsync(first.BuildDraft(profile));
        server.State.Counters.Reset();
        server.State.ClearRequestLog();
        profile.Balance += 10m;

        var again = Synchronizer(server);
        var result = await again.SyncAsync(again.BuildDraft(profile));

        Assert.Equal(SyncAction.Updated, result.Action);
        var change = Assert.Single(result.Changes);
        Assert.Equal("stripe_balance", change.Name);
        Assert.Equal(1, server.State.Counters.Writes);
        var put = Assert.Single(server.State.Requests, r => r.Route == "PUT /contacts/{id}");
        var body = JsonNode.Parse(put.Body!)!.AsObject();
        Assert.Equal(new[] { "custom_attributes" }, body.Select(p => p.Key));
        Assert.Equal(new[] { "stripe_balance" }, body["custom_attributes"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Force_writes_every_field()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var profile = ProfileBuilder.Build(3);
        var first = Synchronizer(server);
        await first.SyncAsync(first.BuildDraft(profile));
        server.State.ClearRequestLog();

        var forced = Synchronizer(server, force: true);
        var result = await forced.SyncAsync(forced.BuildDraft(profile));

        Assert.Equal(SyncAction.Updated, result.Action);
        var put = Assert.Single(server.State.Requests, r => r.Route == "PUT /contacts/{id}");
        var body = JsonNode.Parse(put.Body!)!.AsObject();
        Assert.Equal("cus_000003", (string?)body["external_id"]);
        Assert.True(body["custom_attributes"]!.AsObject().Count >= 20);
    }

    [Fact]
    public async Task WhatIf_writes_nothing_but_reports_what_it_would_do()
    {
        await using var server = await IntercomTestServer.StartAsync();
        server.State.Seed("lead", null, "customer2@example.test");
        var sync = Synchronizer(server, whatIf: true, mergeLeads: true);

        var created = await sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(1)));
        var adopted = await sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(2)));

        Assert.Equal(SyncAction.Created, created.Action);
        Assert.True(created.WhatIf);
        Assert.Contains(created.Changes, c => c.Name == "stripe_customer_id" && (string?)c.NewValue == "cus_000001");
        Assert.Equal(SyncAction.Updated, adopted.Action);
        Assert.Contains(adopted.Changes, c => c.Name == "external_id" && (string?)c.NewValue == "cus_000002");
        Assert.Equal(0, server.State.Counters.Writes);
        Assert.DoesNotContain(server.State.DataAttributes, a => a.Custom);
    }

    [Fact]
    public async Task A_rejected_field_fails_that_customer_only_and_names_customer_and_field()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var sync = Synchronizer(server, initializeAttributes: false);

        var result = await sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(1)));

        Assert.Equal(SyncAction.Failed, result.Action);
        Assert.Contains("cus_000001", result.Error);
        Assert.Contains("custom_attributes", result.Error);
        Assert.Contains("stripe_", result.Error);
        Assert.IsType<IntercomApiException>(result.Exception);
    }

    [Fact]
    public async Task A_rejected_token_stops_the_run()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var sync = new ContactSynchronizer(server.CreateClient("wrong"), AttributeMap.Default, new SyncOptions());

        await Assert.ThrowsAsync<IntercomAuthenticationException>(
            () => sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(1))));
    }

    [Fact]
    public async Task A_computed_attribute_is_created_once_its_type_is_known()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var map = AttributeMap.Default.Select(["stripe_customer_id"])
            .WithComputed("seats", null,
                p => p.PrimarySubscription is null ? null : (object)p.PrimarySubscription.Quantity);
        var sync = Synchronizer(server, map: map);

        var none = await sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(4)));
        var some = await sync.SyncAsync(sync.BuildDraft(ProfileBuilder.Build(1)));

        Assert.Equal(SyncAction.Created, none.Action);
        Assert.Equal(SyncAction.Created, some.Action);
        Assert.Equal("integer", server.State.DataAttributes.Single(a => a.Name == "seats").DataType);
    }
}
