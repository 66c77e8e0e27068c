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
/// behind the product's resilience chain (millisecond timings), in a <see cref="SyncJob"/>, and a
/// <see cref="StateFileSync"/> on a state file in a temporary folder.
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
        await FakeStripeServer.StartAsync(
            new FakeStripeOptions { CustomerCount = customers, Seed = 7, RequestsPerSecond = 0 }),
        await FakeIntercomServer.StartAsync(
            new FakeIntercomOptions { WindowLimit = 0, SearchLagSeconds = 0, LatencyMs = intercomLatencyMs }));

    /// <summary>
    /// A fresh session's job, as a new Invoke-StripeIntercomSync would make: its own Stripe reader and Intercom client
    /// (owned by the rig), with <paramref name="mode"/> and what <paramref name="configure"/> sets.
    /// </summary>
    /// <param name="intercomOptions">
    /// The Intercom client's resilience options; <see cref="FastOptions"/> by default.
    /// </param>
    public SyncJob NewSyncJob(ContactLookupMode mode = ContactLookupMode.PerCustomer,
        Action<SyncSettings>? configure = null, ResilienceOptions? intercomOptions = null,
        RateLimitBudget? intercomBudget = null)
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
            InnerHandler = ResilientHandlerFactory.Create(intercomOptions ?? FastOptions("Intercom"), intercomBudget,
                counters, null),
            DisposeInnerHandler = true,
        });
        _owned.Add(reader);
        _owned.Add(client);
        var settings = new SyncSettings { LookupMode = mode };
        configure?.Invoke(settings);
        return new SyncJob(settings, new SyncServices(reader, client, counters, ownsClients: false));
    }

    /// <summary>A state-file run through <paramref name="job"/>; it checkpoints at every customer.</summary>
    public StateFileSync NewJob(SyncJob job) => new(StatePath, job) { CheckpointInterval = TimeSpan.Zero };

    /// <summary>Runs a state-file run on a fresh session's job and collects what it reported, in order.</summary>
    public async Task<(SyncRunOutcome Outcome, List<SyncResult> Results)> RunJobAsync(int throttleLimit = 8,
        Action<SyncResult, List<SyncResult>>? observe = null, CancellationToken cancellationToken = default,
        ContactLookupMode mode = ContactLookupMode.PerCustomer, ResilienceOptions? intercomOptions = null)
    {
        var results = new List<SyncResult>();
        var job = NewSyncJob(mode, s => s.ThrottleLimit = throttleLimit, intercomOptions);
        var outcome = await NewJob(job).RunAsync(new SyncRunReporting(r =>
        {
            lock (results)
            {
                results.Add(r);
                observe?.Invoke(r, results);
            }
        }), cancellationToken);
        return (outcome, results);
    }

    /// <summary>A full run of every live customer through <paramref name="job"/>, results in input order.</summary>
    public async Task<List<SyncResult>> SyncEveryoneAsync(SyncJob job)
    {
        var results = new List<SyncResult>();
        var reporting = new SyncRunReporting(r =>
        {
            lock (results)
            {
                results.Add(r);
            }
        });
        var outcome = await job.RunAsync(CustomerQuery.All, reporting, CancellationToken.None);
        Assert.Null(outcome.StopError);
        return results;
    }

    /// <summary>A customer as Stripe holds it now, read by a fresh session.</summary>
    public async Task<CustomerProfile> ProfileAsync(string customerId) =>
        (await NewSyncJob().Services.Stripe.GetAsync(customerId))!;

    public SyncState State() =>
        SyncStateStore.Load(StatePath).State ?? throw new InvalidOperationException("No state file.");

    /// <summary>
    /// Production's proportions in milliseconds: a failing request keeps retrying for longer than the circuit's
    /// sampling window, so a service that is down opens the circuit before any one customer runs out of retries.
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

    public List<FakeContact> LiveContacts() =>
        Intercom.State.Contacts.Where(c => !c.MergedInto && !c.Archived).ToList();

    /// <summary>
    /// Exactly one live contact per live Stripe customer, each holding what Stripe says now; a deleted customer's
    /// contact may remain, marked deleted.
    /// </summary>
    /// <param name="byLink">
    /// Find each customer's contact by the customer it carries (stripe_customer_id), not by external_id.
    /// </param>
    public async Task AssertIntercomMatchesStripeAsync(bool byLink = false)
    {
        var customers = Stripe.State.LiveCustomers();
        var deleted = Stripe.State.DeletedCustomers().Select(c => c.Id).ToHashSet();
        string? KeyOf(FakeContact c) =>
            byLink ? (string?)c.CustomAttributes.GetValueOrDefault("stripe_customer_id") : c.ExternalId;
        var contacts = LiveContacts().Where(c => KeyOf(c) is string key && !deleted.Contains(key)).ToList();
        Assert.Equal(customers.Count, contacts.Count);
        Assert.Equal(customers.Select(c => c.Id).OrderBy(x => x), contacts.Select(c => KeyOf(c)!).OrderBy(x => x));
        var job = NewSyncJob();
        var reader = job.Services.Stripe;
        var byExternalId = contacts.ToDictionary(c => KeyOf(c)!);
        foreach (var customer in customers)
        {
            var draft = job.Contacts.BuildDraft((await reader.GetAsync(customer.Id))!);
            var contact = byExternalId[customer.Id];
            foreach (var (name, value) in draft.CustomAttributes)
            {
                JsonElement? held = contact.CustomAttributes.TryGetValue(name, out var node)
                    ? JsonSerializer.SerializeToElement(node)
                    : null;
                Assert.True(IntercomValueComparer.AreEqual(held, value),
                    $"{customer.Id} {name}: Intercom holds {node?.ToJsonString() ?? "(none)"}, "
                    + $"Stripe says {value ?? "(null)"}");
            }
        }
    }

    /// <summary>
    /// Contact ids written (created or updated) since the request log was last cleared, by external_id.
    /// </summary>
    public HashSet<string> CustomersWritten()
    {
        var byId = LiveContacts().ToDictionary(c => c.Id, c => c.ExternalId!);
        var written = new HashSet<string>();
        foreach (var request in Intercom.State.Requests.Where(r => r.Status < 300))
        {
            if (request.Route == "PUT /contacts/{id}"
                && byId.TryGetValue(request.Path.Split('/').Last(), out var updated))
            {
                written.Add(updated);
            }

            if (request.Route == "POST /contacts" && request.Body is { } body
                && JsonDocument.Parse(body).RootElement.TryGetProperty("external_id", out var id))
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
