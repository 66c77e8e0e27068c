using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using StripeIntercom.Connection;
using StripeIntercom.Resilience;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Benchmarks;

/// <summary>What one measured sync process reports back to the orchestrator (one JSON line prefixed RESULT).</summary>
internal sealed class SyncRunResult
{
    public long WallMs { get; set; }
    public int Profiles { get; set; }
    public Dictionary<string, int> Actions { get; set; } = new();
    public int FailedFirstPass { get; set; }
    public int FailedFinal { get; set; }
    public List<string> FailureSamples { get; set; } = new();
    public long IntercomThrottled { get; set; }
    public long IntercomRetries { get; set; }
    public long IntercomConnectionFailures { get; set; }
    public long StripeThrottled { get; set; }
    public long StripeRetries { get; set; }
    public long IntercomClientCalls { get; set; }
    public long StripeClientCalls { get; set; }
    public long PeakWorkingSet { get; set; }
    public long SampledPeakWorkingSet { get; set; }
    public string Budget { get; set; } = "";
    public int Writers { get; set; }
}

/// <summary>
/// The measured process: one sync of every Stripe customer through the product path (ServiceConnection.OpenAsync,
/// CreateStripeReader / CreateIntercomClient behind the resilience chain, ContactSynchronizer in Bulk lookup mode),
/// with <c>writers</c> syncs in flight as the PowerShell SyncDispatcher runs ThrottleLimit of them. Profiles are
/// streamed: Parallel.ForEachAsync pulls from the reader only as writers free up.
/// </summary>
internal static class SyncRun
{
    public const string ResultPrefix = "RESULT ";

    public static async Task<int> MainAsync(Options options)
    {
        var sampler = new WorkingSetSampler();
        var result = await RunAsync(options, sampler);
        Console.Out.WriteLine(ResultPrefix + JsonSerializer.Serialize(result));
        return 0;
    }

    private static async Task<SyncRunResult> RunAsync(Options o, WorkingSetSampler sampler)
    {
        var connection = await ServiceConnection.OpenAsync(new ConnectionOptions
        {
            StripeApiKey = o.StripeKey,
            StripeApiBase = new Uri(o.StripeUrl!),
            IntercomAccessToken = o.IntercomToken,
            IntercomApiBase = new Uri(o.IntercomUrl!),
        }, null, CancellationToken.None);

        var stripeCounters = new ResilienceCounters();
        var intercomCounters = new ResilienceCounters();
        RateLimitBudget? budget = o.Budget switch
        {
            "default" => null, // the connection's RateLimitBudget.ForIntercom(): 1500 per 10 s
            _ => new RateLimitBudget(o.BudgetLimit, TimeSpan.FromSeconds(10)),
        };
        using var reader = connection.CreateStripeReader(null, stripeCounters);
        using var client = connection.CreateIntercomClient(null, intercomCounters, budget);
        var sync = new ContactSynchronizer(client, AttributeMap.Default, new SyncOptions { LookupMode = ContactLookupMode.Bulk });

        var actions = new ConcurrentDictionary<string, int>();
        var failed = new ConcurrentBag<(string Id, string Error)>();
        var profiles = 0;
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(reader.ReadAsync(CustomerQuery.All), new ParallelOptions { MaxDegreeOfParallelism = o.Writers },
            async (profile, ct) =>
            {
                Interlocked.Increment(ref profiles);
                var r = await sync.SyncAsync(sync.BuildDraft(profile), ct);
                actions.AddOrUpdate(r.Action.ToString(), 1, (_, n) => n + 1);
                if (r.Action == SyncAction.Failed) failed.Add((r.CustomerId, r.Error ?? "(no reason)"));
            });

        // Customers that failed after the handlers' retries get one more chance, as a re-run of the module would.
        var failedFirst = failed.ToList();
        var stillFailed = new List<(string Id, string Error)>();
        foreach (var (id, _) in failedFirst)
        {
            var profile = await reader.GetAsync(id);
            if (profile is null) { stillFailed.Add((id, "not found in Stripe on re-run")); continue; }
            var r = await sync.SyncAsync(sync.BuildDraft(profile));
            actions.AddOrUpdate("Rerun" + r.Action, 1, (_, n) => n + 1);
            if (r.Action == SyncAction.Failed) stillFailed.Add((id, r.Error ?? "(no reason)"));
        }
        watch.Stop();

        // Read before the process does anything else, so the peak is the sync's.
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var peak = self.PeakWorkingSet64;
        var sampled = sampler.StopAndMax();

        var intercom = intercomCounters.Snapshot();
        var stripe = stripeCounters.Snapshot();
        return new SyncRunResult
        {
            WallMs = watch.ElapsedMilliseconds,
            Profiles = profiles,
            Actions = actions.OrderBy(p => p.Key).ToDictionary(p => p.Key, p => p.Value),
            FailedFirstPass = failedFirst.Count,
            FailedFinal = stillFailed.Count,
            FailureSamples = failedFirst.Take(5).Select(f => f.Error).Concat(stillFailed.Take(5).Select(f => "still: " + f.Error)).ToList(),
            IntercomThrottled = intercom.ThrottledResponses,
            IntercomRetries = intercom.Retries,
            IntercomConnectionFailures = intercom.ConnectionFailures,
            StripeThrottled = stripe.ThrottledResponses,
            StripeRetries = stripe.Retries,
            IntercomClientCalls = client.ApiCalls.Total,
            StripeClientCalls = reader.ApiCalls,
            PeakWorkingSet = peak,
            SampledPeakWorkingSet = sampled,
            Budget = budget is null ? $"ForIntercom() {connection.IntercomBudget.MaxRequestsPerWindow}/10 s" : $"{budget.MaxRequestsPerWindow}/10 s",
            Writers = o.Writers,
        };
    }
}

/// <summary>Samples this process's working set every 100 ms, as a cross-check of PeakWorkingSet64.</summary>
internal sealed class WorkingSetSampler
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _max;

    public WorkingSetSampler()
    {
        _loop = Task.Run(async () =>
        {
            using var self = Process.GetCurrentProcess();
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            do
            {
                self.Refresh();
                var ws = self.WorkingSet64;
                if (ws > Interlocked.Read(ref _max)) Interlocked.Exchange(ref _max, ws);
            }
            while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result));
        });
    }

    public long StopAndMax()
    {
        _stop.Cancel();
        _loop.Wait();
        return Interlocked.Read(ref _max);
    }
}
