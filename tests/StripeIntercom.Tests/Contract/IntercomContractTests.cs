using System.Net.Http.Json;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Intercom;
using StripeIntercom.Sync;
using StripeIntercom.Tests.Sync;
using Xunit;
using Xunit.Abstractions;

namespace StripeIntercom.Tests.Contract;

/// <summary>One fake Intercom behind one Prism proxy, shared by the contract tests (Prism takes seconds to
/// start).</summary>
public sealed class ContractFixture : IAsyncLifetime
{
    public FakeIntercomServer Fake { get; private set; } = null!;
    public PrismProxy Prism { get; private set; } = null!;
    private Task<PrismProxy>? _previewPrism;

    /// <summary>A second Prism, checking against the Preview description (the bulk writes), in front of the same
    /// fake; started on first use, as only the bulk tests need it.</summary>
    public Task<PrismProxy> PreviewPrism =>
        _previewPrism ??= PrismProxy.StartAsync(Fake.BaseUrl, RepositoryPaths.IntercomPreviewSpec);

    public async Task InitializeAsync()
    {
        Fake = await FakeIntercomServer.StartAsync(new FakeIntercomOptions { WindowLimit = 0, SearchLagSeconds = 0 });
        Prism = await PrismProxy.StartAsync(Fake.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        if (_previewPrism is not null)
        {
            await (await _previewPrism).DisposeAsync();
        }

        await Prism.DisposeAsync();
        await Fake.DisposeAsync();
    }
}

/// <summary>
/// Every kind of request the Intercom client sends, and the sync's identity and diff paths, go through Prism
/// checking them against Intercom's published 2.14 API description. A request that breaks it fails the test.
/// </summary>
public sealed partial class IntercomContractTests : IClassFixture<ContractFixture>
{
    private readonly ContractFixture _fixture;
    private readonly ITestOutputHelper _output;
    private readonly ContractViolationRecorder _recorder = new();
    private readonly IntercomClient _client;

    public IntercomContractTests(ContractFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
        _client = new IntercomClient(new IntercomSettings
        {
            AccessToken = fixture.Fake.Options.AccessToken,
            ApiBase = fixture.Prism.BaseUrl,
            InnerHandler = _recorder,
        });
    }

    [Fact]
    public async Task Contact_and_attribute_requests_match_the_published_contract()
    {
        var me = await _client.GetMeAsync();
        Assert.False(string.IsNullOrEmpty(me.Id));

        await _client.CreateDataAttributeAsync("contract_plan", IntercomDataType.String,
            "Plan name for the contract test");
        Assert.Contains(await _client.ListDataAttributesAsync(), a => a.Name == "contract_plan");

        var created = await _client.CreateContactAsync(new IntercomContactWrite
        {
            Role = "user",
            ExternalId = "cus_contract_1",
            Email = "contract1@example.test",
            Name = "Contract One",
            CustomAttributes = new Dictionary<string, object?> { ["contract_plan"] = "Team" },
        });
        Assert.Equal(created.Id, (await _client.GetContactAsync(created.Id)).Id);
        Assert.Equal(created.Id, (await _client.FindContactByExternalIdAsync("cus_contract_1"))!.Id);

        await _client.UpdateContactAsync(created.Id,
            new IntercomContactWrite
            {
                CustomAttributes = new Dictionary<string, object?> { ["contract_plan"] = "Business" }
            });
        var page = await _client.ListContactsPageAsync(perPage: 150);
        Assert.Contains(page.Contacts, c => c.Id == created.Id);
        var found = await _client.SearchContactsAsync(IntercomSearchQuery.And(
            IntercomSearchQuery.Field("email", "=", "contract1@example.test"),
            IntercomSearchQuery.Field("role", "=", "user")));
        Assert.Contains(found.Contacts, c => c.Id == created.Id);

        var lead = await SeedAsync(new { role = "lead", email = "lead@example.test", name = "A lead" });
        var user = await _client.CreateContactAsync(
            new IntercomContactWrite
            {
                Role = "user",
                ExternalId = "cus_contract_2",
                Email = "contract2@example.test"
            });
        await _client.MergeContactsAsync(lead, user.Id);
        await _client.ArchiveContactAsync(user.Id);

        AssertNoRequestViolations();
    }

    [Fact]
    public async Task A_sync_creates_adopts_and_updates_within_the_contract()
    {
        var profiles = ProfileBuilder.BuildMany(12, start: 500);
        await SeedAsync(new { role = "lead", email = profiles[0].Email, name = "Lead to adopt" });
        await SeedAsync(new { role = "user", email = profiles[1].Email, name = "User without external id" });

        var synchronizer = new ContactSynchronizer(_client, AttributeMap.Default,
            new SyncOptions { LookupMode = ContactLookupMode.PerCustomer });
        var first = new List<SyncResult>();
        foreach (var profile in profiles)
        {
            first.Add(await synchronizer.SyncAsync(profile));
        }

        Assert.All(first, r => Assert.Contains(r.Action, new[] { SyncAction.Created, SyncAction.Updated }));
        profiles[2].Balance += 10;
        var again = new ContactSynchronizer(_client, AttributeMap.Default,
            new SyncOptions { LookupMode = ContactLookupMode.Bulk });
        var second = new List<SyncResult>();
        foreach (var profile in profiles)
        {
            second.Add(await again.SyncAsync(profile));
        }

        Assert.Equal(SyncAction.Updated, second[2].Action);
        Assert.Equal(11, second.Count(r => r.Action == SyncAction.Unchanged));
        AssertNoRequestViolations();
    }

    private async Task<string> SeedAsync(object contact)
    {
        using var http = new HttpClient { BaseAddress = _fixture.Fake.BaseUrl };
        var response = await http.PostAsJsonAsync("__control/contacts", contact);
        response.EnsureSuccessStatusCode();
        var seeded = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return seeded.GetProperty("data")[0].GetProperty("id").GetString()!;
    }

    /// <param name="knownGap">Violations that are gaps in the published description (each test names its own); printed,
    /// not failed on.</param>
    /// <param name="recorder">The recorder of another client (the Preview one); this test's own unless given.</param>
    private void AssertNoRequestViolations(Func<string, bool>? knownGap = null,
        ContractViolationRecorder? recorder = null)
    {
        var checkedRecorder = recorder ?? _recorder;
        foreach (var known in checkedRecorder.RequestViolations.Concat(checkedRecorder.ResponseViolations)
            .Where(v => knownGap?.Invoke(v) == true)
                     .Select(v => System.Text.RegularExpressions.Regex.Replace(v, @"data\.\d+\.", "data.N."))
                         .Distinct())
        {
            _output.WriteLine("Known description gap: " + known);
        }

        _output.WriteLine($"{checkedRecorder.Exchanges} requests went through Prism.");
        foreach (
            var warning in checkedRecorder.Warnings.Select(w =>
            System.Text.RegularExpressions.Regex.Replace(w, "/cus_[A-Za-z0-9_]+|/[0-9a-f]{24}", "/{id}")).Distinct())
        {
            _output.WriteLine("Prism warning: " + warning);
        }

        Assert.True(checkedRecorder.Exchanges > 0, "No request went through the contract proxy.");
        var requestViolations = checkedRecorder.RequestViolations.Where(v => knownGap?.Invoke(v) != true).ToList();
        var responseViolations = checkedRecorder.ResponseViolations.Where(v => knownGap?.Invoke(v) != true).ToList();
        Assert.True(requestViolations.Count == 0,
            "Requests broke Intercom's published contract:\n" + string.Join("\n", requestViolations.Distinct()));
        Assert.True(responseViolations.Count == 0,
            "The fake answered outside Intercom's published contract:\n" +
                string.Join("\n", responseViolations.Distinct()));
    }
}
