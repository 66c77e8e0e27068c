using System.Text.Json;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Fakes.Stripe;
using StripeIntercom.Incremental;
using StripeIntercom.Intercom;
using StripeIntercom.Resilience;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;
using StripeIntercom.Tests.Faults;
using Xunit;

namespace StripeIntercom.Tests.Runs;

/// <summary>
/// Fake Stripe and fake Intercom on loopback, and the shipped engine over them: a Stripe reader and an Intercom client
/// behind the product's resilience chain (millisecond timings), a <see cref="CustomerSync"/>, and an
/// <see cref="IncrementalSyncJob"/> on a state file in a temporary folder.
/// </summary>
internal sealed class EngineRig : IAsyncDisposable
{
    private readonly List<IDisposable> _owned = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("stripeintercom-engine-").FullName;

    private EngineRig(FakeStripeServer stripe, FakeIntercomServer intercom)
    {
        Stripe = stripe;
        Intercom = intercom;
    }

    public FakeStripeServer Stripe { get; }
    public FakeIntercomServer Intercom { get; }
    public string StatePath => Path.Combine(_folder, "state.json");

    public static async Task<EngineRig> StartAsync(int customers = 120, int intercomLatencyMs = 0) => new(
        await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = customers, Seed = 7, RequestsPerSecond = 0 }),
        await FakeIntercomServer.StartAsync(new FakeIntercomOptions { WindowLimit = 0, SearchLagSeconds = 0, LatencyMs = intercomLatencyMs }));

    /// <summary>A fresh session's engine, as a new Invoke-StripeIntercomSync would make.</summary>
    public CustomerSync NewSync(ContactLookupMode mode = ContactLookupMode.PerCustomer, Action<SyncOptions>? configure = null,
        ResilienceOptions? intercomOptions = null) => NewEngine(mode, configure, intercomOptions).Sync;

    /// <summary>A fresh session's engine with the Intercom client it writes through (the company sync shares it).</summary>
    /// <param name="intercomOptions">The Intercom client's resilience options; <see cref="FastOptions"/> by default.</param>
    public (CustomerSync Sync, IntercomClient Client) NewEngine(ContactLookupMode mode = ContactLookupMode.PerCustomer, Action<SyncOptions>? configure = null,
        ResilienceOptions? intercomOptions = null)
    {
        var counters = new ResilienceCounters();
        var reader = new StripeCustomerReader(new StripeSettings
        {
            ApiKey = Stripe.Options.ApiKey,
            ApiBase = Stripe.BaseUrl,
            InnerHandler = ResilientHandlerFactory.Create(FastOptions("Stripe"), null, counters, null),
        });
        var client = new IntercomClient(new IntercomSettings
        {
            AccessToken = Intercom.Options.AccessToken,
            ApiBase = Intercom.BaseUrl,
            InnerHandler = ResilientHandlerFactory.Create(intercomOptions ?? FastOptions("Intercom"), null, counters, null),
            DisposeInnerHandler = true,
        });
        _owned.Add(reader);
        _owned.Add(client);
        var options = new SyncOptions { LookupMode = mode };
        configure?.Invoke(options);
        return (new CustomerSync(new ContactSynchronizer(client, AttributeMap.Default, options), reader), client);
    }

    public IncrementalSyncJob NewJob(CustomerSync sync, int throttleLimit = 8) =>
        new(StatePath, sync, throttleLimit) { CheckpointInterval = TimeSpan.Zero };

    /// <summary>Runs a job and collects what it reported, in order.</summary>
    public async Task<(SyncRunOutcome Outcome, List<SyncResult> Results)> RunJobAsync(int throttleLimit = 8,
        Action<SyncResult, List<SyncResult>>? observe = null, CancellationToken cancellationToken = default, ContactLookupMode mode = ContactLookupMode.PerCustomer,
        ResilienceOptions? intercomOptions = null)
    {
        var results = new List<SyncResult>();
        var outcome = await NewJob(NewSync(mode, intercomOptions: intercomOptions), throttleLimit).RunAsync(r =>
        {
            lock (results)
            {
                results.Add(r);
                observe?.Invoke(r, results);
            }
        }, cancellationToken);
        return (outcome, results);
    }

    /// <summary>A full run of every live customer through the shipped runner, results in input order.</summary>
    public async Task<List<SyncResult>> SyncEveryoneAsync(CustomerSync sync, int throttleLimit = 8)
    {
        var results = new List<SyncResult>();
        using var runner = new SyncRunner(sync, throttleLimit, r => { lock (results) { results.Add(r); } }, CancellationToken.None);
        await runner.RunAsync(sync.Stripe!.ReadAsync(CustomerQuery.All));
        Assert.Null(runner.StopError);
        return results;
    }

    public SyncState State() => SyncStateStore.Load(StatePath).State ?? throw new InvalidOperationException("No state file.");

    /// <summary>
    /// Production's proportions in milliseconds: a failing request keeps retrying for longer than the circuit's sampling
    /// window, so a service that is down opens the circuit before any one customer runs out of retries.
    /// </summary>
    public static ResilienceOptions FastOptions(string service) => new()
    {
        ServiceName = service,
        MaxRetries = 6,
        BaseDelay = TimeSpan.FromMilliseconds(40),
        MaxDelay = TimeSpan.FromMilliseconds(400),
        RateLimitResetJitter = TimeSpan.FromMilliseconds(5),
        AttemptTimeout = TimeSpan.FromSeconds(5),
        OverallTimeout = TimeSpan.FromSeconds(20),
        SamplingDuration = TimeSpan.FromMilliseconds(600),
        MinimumThroughput = 10,
        BreakDuration = TimeSpan.FromMilliseconds(500),
    };

    public List<FakeContact> LiveContacts() => Intercom.State.Contacts.Where(c => !c.MergedInto && !c.Archived).ToList();

    /// <summary>
    /// Exactly one live contact per live Stripe customer, each holding what Stripe says now; a deleted customer's contact
    /// may remain, marked deleted.
    /// </summary>
    /// <param name="byLink">Find each customer's contact by the customer it carries (stripe_customer_id), not by external_id.</param>
    public async Task AssertIntercomMatchesStripeAsync(bool byLink = false)
    {
        var customers = Stripe.State.LiveCustomers();
        var deleted = Stripe.State.DeletedCustomers().Select(c => c.Id).ToHashSet();
        string? KeyOf(FakeContact c) => byLink ? (string?)c.CustomAttributes.GetValueOrDefault("stripe_customer_id") : c.ExternalId;
        var contacts = LiveContacts().Where(c => KeyOf(c) is string key && !deleted.Contains(key)).ToList();
        Assert.Equal(customers.Count, contacts.Count);
        Assert.Equal(customers.Select(c => c.Id).OrderBy(x => x), contacts.Select(c => KeyOf(c)!).OrderBy(x => x));
        var sync = NewSync();
        var reader = sync.Stripe!;
        var byExternalId = contacts.ToDictionary(c => KeyOf(c)!);
        foreach (var customer in customers)
        {
            var draft = sync.Synchronizer.BuildDraft((await reader.GetAsync(customer.Id))!);
            var contact = byExternalId[customer.Id];
            foreach (var (name, value) in draft.CustomAttributes)
            {
                JsonElement? held = contact.CustomAttributes.TryGetValue(name, out var node) ? JsonSerializer.SerializeToElement(node) : null;
                Assert.True(IntercomValueComparer.AreEqual(held, value), $"{customer.Id} {name}: Intercom holds {node?.ToJsonString() ?? "(none)"}, Stripe says {value ?? "(null)"}");
            }
        }
    }

    /// <summary>Contact ids written (created or updated) since the request log was last cleared, by external_id.</summary>
    public HashSet<string> CustomersWritten()
    {
        var byId = LiveContacts().ToDictionary(c => c.Id, c => c.ExternalId!);
        var written = new HashSet<string>();
        foreach (var request in Intercom.State.Requests.Where(r => r.Status < 300))
        {
            if (request.Route == "PUT /contacts/{id}" && byId.TryGetValue(request.Path.Split('/').Last(), out var updated))
            {
                written.Add(updated);
            }

            if (request.Route == "POST /contacts" && request.Body is { } body && JsonDocument.Parse(body).RootElement.TryGetProperty("external_id", out var id))
            {
                written.Add(id.GetString()!);
            }
        }
        return written;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await Stripe.DisposeAsync();
        await Intercom.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
