using StripeIntercom.Intercom;
using StripeIntercom.Sync;
using StripeIntercom.Tests.Intercom;
using Xunit;

namespace StripeIntercom.Tests.Sync;

public class DataAttributeInitializerTests
{
    [Fact]
    public async Task Creates_only_the_missing_attributes_with_one_list_call()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var client = server.CreateClient();
        await client.CreateDataAttributeAsync("stripe_mrr", IntercomDataType.Float);
        server.State.Counters.Reset();

        var results = await new DataAttributeInitializer(client).EnsureAsync(AttributeMap.Default, whatIf: false);

        Assert.Equal(27, results.Count);
        Assert.Equal(DataAttributeAction.Exists, results.Single(r => r.Name == "stripe_mrr").Action);
        Assert.Equal(26, results.Count(r => r.Action == DataAttributeAction.Created));
        Assert.Equal(1, server.State.Counters["GET /data_attributes"]);
        Assert.Equal(26, server.State.Counters["POST /data_attributes"]);
        Assert.Equal("date", server.State.DataAttributes.Single(a => a.Name == "stripe_created_at").DataType);
    }

    [Fact]
    public async Task Is_idempotent()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var initializer = new DataAttributeInitializer(server.CreateClient());
        await initializer.EnsureAsync(AttributeMap.Default, whatIf: false);
        server.State.Counters.Reset();

        var again = await initializer.EnsureAsync(AttributeMap.Default, whatIf: false);

        Assert.All(again, r => Assert.Equal(DataAttributeAction.Exists, r.Action));
        Assert.Equal(0, server.State.Counters.Writes);
    }

    [Fact]
    public async Task A_type_clash_fails_before_anything_is_created_and_names_both_types()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var client = server.CreateClient();
        await client.CreateDataAttributeAsync("stripe_mrr", IntercomDataType.String);
        server.State.Counters.Reset();

        var error = await Assert.ThrowsAsync<DataAttributeConflictException>(
            () => new DataAttributeInitializer(client).EnsureAsync(AttributeMap.Default, whatIf: false));

        Assert.Equal("stripe_mrr", error.Name);
        Assert.Equal("string", error.ExistingType);
        Assert.Equal("float", error.WantedType);
        Assert.Contains("stripe_mrr", error.Message);
        Assert.Equal(0, server.State.Counters.Writes);
    }

    [Fact]
    public async Task Refuses_when_the_workspace_has_no_room_before_creating_any()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var client = server.CreateClient();
        for (var i = 0; i < 240; i++)
        {
            await client.CreateDataAttributeAsync($"other_{i}", IntercomDataType.String);
        }

        server.State.Counters.Reset();

        var error = await Assert.ThrowsAsync<DataAttributeLimitException>(
            () => new DataAttributeInitializer(client).EnsureAsync(AttributeMap.Default, whatIf: false));

        Assert.Equal(240, error.Existing);
        Assert.Equal(27, error.Missing.Count);
        Assert.Equal(250, error.Limit);
        Assert.Equal(0, server.State.Counters.Writes);
    }

    [Fact]
    public async Task WhatIf_reports_what_it_would_create_and_creates_nothing()
    {
        await using var server = await IntercomTestServer.StartAsync();

        var results
            = await new DataAttributeInitializer(server.CreateClient()).EnsureAsync(AttributeMap.Default, whatIf: true);

        Assert.All(results, r => Assert.Equal(DataAttributeAction.WouldCreate, r.Action));
        Assert.Equal(0, server.State.Counters.Writes);
        Assert.DoesNotContain(server.State.DataAttributes, a => a.Custom);
    }
}
