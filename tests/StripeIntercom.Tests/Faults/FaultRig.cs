using System.Text.Json;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Intercom;
using StripeIntercom.Resilience;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;
using StripeIntercom.Tests.Sync;
using Xunit;

namespace StripeIntercom.Tests.Faults;

/// <summary>
/// The in-process fake Intercom plus clients built the product's way (behind ResilientHandlerFactory) but with
/// millisecond delays, and helpers to sync profiles concurrently and to check what Intercom ends up holding.
/// </summary>
internal sealed class FaultRig : IAsyncDisposable
{
    private readonly List<IDisposable> _owned = new();

    private FaultRig(FakeIntercomServer fake) => Fake = fake;

    public FakeIntercomServer Fake { get; }
    public FakeIntercomState State => Fake.State;
    public ResilienceCounters Counters { get; } = new();

    public static async Task<FaultRig> StartAsync(int latencyMs = 0, Action<FakeIntercomOptions>? configure = null)
    {
        var options = new FakeIntercomOptions { WindowLimit = 0, SearchLagSeconds = 2, LatencyMs = latencyMs };
        configure?.Invoke(options);
        return new(await FakeIntercomServer.StartAsync(options));
    }

    /// <summary>Production behaviour with millisecond timings; the circuit breaker stays on as in production.</summary>
    public static ResilienceOptions FastOptions(int maxRetries = 8) => new()
    {
        ServiceName = "Intercom",
        MaxRetries = maxRetries,
        BaseDelay = TimeSpan.FromMilliseconds(2),
        MaxDelay = TimeSpan.FromMilliseconds(30),
        RateLimitResetJitter = TimeSpan.FromMilliseconds(5),
        AttemptTimeout = TimeSpan.FromSeconds(5),
        OverallTimeout = TimeSpan.FromSeconds(20),
        // Sampling over 0.6 s with a 0.9 ratio: a storm that is mostly failures would still open it, this one does not.
        SamplingDuration = TimeSpan.FromMilliseconds(600),
        FailureRatio = 0.9,
        MinimumThroughput = 20,
        BreakDuration = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>A fresh session's job (Bulk lookup unless <paramref name="settings"/> say otherwise) over its own
    /// Intercom client, with fast resilience.</summary>
    public SyncJob Job(ResilienceOptions? options = null, RateLimitBudget? budget = null, SyncSettings? settings = null)
    {
        var client = new IntercomClient(new IntercomSettings
        {
            AccessToken = Fake.Options.AccessToken,
            ApiBase = Fake.BaseUrl,
            InnerHandler = ResilientHandlerFactory.Create(options ?? FastOptions(), budget, Counters, null),
        });
        _owned.Add(client);
        // One request per contact unless asked: these rigs' faults and stops are aimed at the per-contact requests
        // (the bulk path has its own tests, BulkWriteTests).
        settings ??= new SyncSettings { LookupMode = ContactLookupMode.Bulk, WriteMode = ContactWriteMode.PerContact };
        return ProfilesOnlyJob(client, settings, _owned);
    }

    /// <summary>A fresh session's contact synchronizer: <see cref="Job"/>'s.</summary>
    public ContactSynchronizer Synchronizer(ResilienceOptions? options = null, RateLimitBudget? budget = null) =>
        Job(options, budget).Contacts;

    /// <summary>
    /// A job that syncs profiles made in memory: there is no Stripe behind them, so its reader (which a job needs) is
    /// never called, and customers sharing an email are not looked up in Stripe, as for a sync without a reader.
    /// </summary>
    /// <param name="owned">Where the reader goes to be disposed with its owner.</param>
    public static SyncJob ProfilesOnlyJob(IntercomClient client, SyncSettings settings, ICollection<IDisposable> owned)
    {
        var reader = new StripeCustomerReader(new StripeSettings
        {
            ApiKey = "sk_test_profiles_only",
            ApiBase = new Uri("http://127.0.0.1:9/"),
        });
        owned.Add(reader);
        var job = new SyncJob(settings, new SyncServices(reader, client, ownsClients: false));
        job.Contacts.FindCustomersSharingEmail = null;
        return job;
    }

    /// <summary>Syncs the profiles through a <see cref="SyncJobRun"/>, as the cmdlets run piped input.</summary>
    public static async Task<RunReport> SyncAllAsync(SyncJob job, IEnumerable<CustomerProfile> profiles,
        int writers = 8, CancellationToken cancellationToken = default)
    {
        var results = new List<SyncResult>();
        var reporting = new SyncRunReporting(r =>
        {
            lock (results)
            {
                results.Add(r);
            }
        });
        using var run = job.Begin(reporting, coversAllCustomers: false, cancellationToken, throttleLimit: writers);
        await run.AddAsync(profiles.ToAsyncEnumerable());
        var outcome = await run.CompleteAsync();
        lock (results)
        {
            return new RunReport(results.ToList(), outcome.StopError, outcome.Cancelled, run.UnfinishedCustomerIds,
                outcome.Summary);
        }
    }

    /// <summary>Live user contacts (not merged, not archived).</summary>
    public List<FakeContact> LiveContacts() => State.Contacts.Where(c => !c.MergedInto && !c.Archived).ToList();

    /// <summary>
    /// Every contact there is holds exactly the attributes its customer's draft says: nothing half-written.
    /// </summary>
    public void AssertContactsComplete(ContactSynchronizer sync, IEnumerable<CustomerProfile> profiles)
    {
        var drafts = profiles.Select(sync.BuildDraft).ToDictionary(d => d.ExternalId);
        foreach (var contact in LiveContacts())
        {
            Assert.NotNull(contact.ExternalId);
            var draft = drafts[contact.ExternalId!];
            Assert.Equal("user", contact.Role);
            Assert.Equal(draft.Email, contact.Email);
            Assert.Equal(draft.Name, contact.Name);
            foreach (var (name, value) in draft.CustomAttributes)
            {
                JsonElement? held = contact.CustomAttributes.TryGetValue(name, out var node)
                    ? JsonSerializer.SerializeToElement(node)
                    : null;
                Assert.True(IntercomValueComparer.AreEqual(held, value),
                    $"{contact.ExternalId} {name}: Intercom holds {node?.ToJsonString() ?? "(none)"}, "
                    + $"draft says {value ?? "(null)"}");
            }
        }
    }

    /// <summary>One live contact per profile, none without external_id, none sharing one.</summary>
    public void AssertExactlyOnce(IReadOnlyCollection<CustomerProfile> profiles)
    {
        var contacts = LiveContacts();
        var duplicates = contacts.GroupBy(c => c.ExternalId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "duplicate external_ids: " + string.Join(", ", duplicates));
        Assert.Equal(profiles.Count, contacts.Count);
        Assert.Equal(profiles.Select(p => p.Id).OrderBy(x => x), contacts.Select(c => c.ExternalId!).OrderBy(x => x));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _owned)
        {
            d.Dispose();
        }

        await Fake.DisposeAsync();
    }
}

/// <summary>What a run through the engine reported, in input order, and how it ended.</summary>
internal sealed record RunReport(IReadOnlyList<SyncResult> Results, Exception? StopError, bool Cancelled,
    IReadOnlyList<string> Unfinished, SyncSummary Summary);
