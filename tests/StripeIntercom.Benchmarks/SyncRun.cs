using System.Diagnostics;
using System.Text.Json;
using StripeIntercom.Companies;
using StripeIntercom.Connection;
using StripeIntercom.Resilience;
using StripeIntercom.Runs;
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
    public long CpuMs { get; set; }
    public string Budget { get; set; } = "";
    public int Writers { get; set; }
    public string WriteMode { get; set; } = "";
    /// <summary>The first run's run-stopping error when it stopped (then a second run went over every
    /// customer).</summary>
    public string? FirstRunStopped { get; set; }
    public long FirstRunWallMs { get; set; }
    /// <summary>Customers the second run (after a stop) went over; 0 when the first run finished.</summary>
    public int SecondRunProfiles { get; set; }
    /// <summary>What became of --stall-timeout-seconds.</summary>
    public string? StallTimeout { get; set; }
}

/// <summary>
/// The measured process: one sync of every Stripe customer through the product path (ServiceConnection.OpenAsync,
/// CreateStripeReader / CreateIntercomClient behind the resilience chain, Bulk lookup), run by the shipped
/// <see cref="SyncJob"/> with <c>writers</c> syncs in flight, as Invoke-StripeIntercomSync runs ThrottleLimit of them,
/// and its companies after them with -SyncCompany. Profiles are streamed: the job pulls from the reader only as
/// writers free up.
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
        // The shipped job, as Invoke-StripeIntercomSync runs it: o.Writers syncs at a time, results in input order, and
        // with -SyncCompany the company phase after the customers. The reader and client stay this process's, so each
        // keeps its own counters.
        var settings = new SyncSettings
        {
            LookupMode = ContactLookupMode.Bulk,
            ThrottleLimit = o.Writers,
            SyncCompanies = o.SyncCompany,
            ExternalIdMetadataKey = o.ExternalIdMetadataKey,
        };
        if (o.WriteMode is not null)
        {
            settings.WriteMode = Enum.Parse<ContactWriteMode>(o.WriteMode, ignoreCase: true);
        }

        string? stallTimeout = null;
        if (o.StallTimeoutSeconds is int seconds)
        {
            settings.BulkWrites.StallTimeout = TimeSpan.FromSeconds(seconds);
            stallTimeout = $"{seconds} s";
        }
        SyncJob NewJob() =>
            new(settings, new SyncServices(reader, client, connection: connection.Info, ownsClients: false));
        using var job = NewJob();

        var actions = new Dictionary<string, int>();
        var failed = new List<(string Id, string Error)>();
        var companyFailures = new List<string>();
        SyncRunReporting Reporting(string prefix) => new(r =>
        {
            actions[prefix + r.Action] = actions.GetValueOrDefault(prefix + r.Action) + 1;
            if (r.Action == SyncAction.Failed)
            {
                failed.Add((r.CustomerId, r.Error ?? "(no reason)"));
            }
        }, r =>
        {
            actions[prefix + "Company" + r.Action] = actions.GetValueOrDefault(prefix + "Company" + r.Action) + 1;
            if (r.Action == CompanySyncAction.Failed)
            {
                companyFailures.Add(r.Error ?? r.CompanyId);
            }
        });

        var watch = Stopwatch.StartNew();
        var outcome = await job.RunAsync(CustomerQuery.All, Reporting(""), CancellationToken.None);
        var profiles = outcome.Summary.Customers;
        var firstRunWall = watch.ElapsedMilliseconds;
        string? firstRunStopped = null;
        var secondRunProfiles = 0;
        if (outcome.StopError is { } stop)
        {
            if (!o.RerunOnStop)
            {
                throw new InvalidOperationException("The measured run stopped: " + stop.Message, stop);
            }

            // The next scheduled run: a new job over every customer, which must find what the stopped one left
            // (a lost bulk job's customers included) and finish. Its failures are the ones that count.
            firstRunStopped = stop.GetType().Name + ": " + stop.Message;
            failed.Clear();
            using var next = NewJob();
            var second = await next.RunAsync(CustomerQuery.All, Reporting("Next"), CancellationToken.None);
            secondRunProfiles = second.Summary.Customers;
            profiles = Math.Max(profiles, secondRunProfiles);
            if (second.StopError is { } again)
            {
                throw new InvalidOperationException("The run after the stopped one stopped too: " + again.Message,
                    again);
            }
        }

        // Customers that failed after the handlers' retries get one more chance, as the next scheduled run would
        // (their ids are on its retry list): re-read and synced by the same job, their companies after them.
        var failedFirst = failed.ToList();
        failed.Clear();
        if (failedFirst.Count > 0)
        {
            await job.RunAsync(failedFirst.Select(f => f.Id), Reporting("Rerun"), CancellationToken.None);
        }

        var stillFailed = failed.ToList();
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
            // A company that failed (in the run or in the re-run) is retried by the next run: it counts as failed here.
            FailedFinal = stillFailed.Count + companyFailures.Count,
            FailureSamples = failedFirst.Take(5).Select(f => f.Error)
                .Concat(stillFailed.Take(5).Select(f => "still: " + f.Error))
                .Concat(companyFailures.Take(5).Select(e => "company: " + e)).ToList(),
            IntercomThrottled = intercom.ThrottledResponses,
            IntercomRetries = intercom.Retries,
            IntercomConnectionFailures = intercom.ConnectionFailures,
            StripeThrottled = stripe.ThrottledResponses,
            StripeRetries = stripe.Retries,
            IntercomClientCalls = client.ApiCalls.Total,
            StripeClientCalls = reader.ApiCalls,
            PeakWorkingSet = peak,
            SampledPeakWorkingSet = sampled,
            CpuMs = (long)self.TotalProcessorTime.TotalMilliseconds,
            Budget = budget is null
                ? $"ForIntercom() {connection.IntercomBudget.MaxRequestsPerWindow}/10 s"
                : $"{budget.MaxRequestsPerWindow}/10 s",
            Writers = o.Writers,
            WriteMode = settings.WriteMode.ToString(),
            FirstRunStopped = firstRunStopped,
            FirstRunWallMs = firstRunWall,
            SecondRunProfiles = secondRunProfiles,
            StallTimeout = stallTimeout,
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
                if (ws > Interlocked.Read(ref _max))
                {
                    Interlocked.Exchange(ref _max, ws);
                }
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
