using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StripeIntercom.Sync;

namespace StripeIntercom.Benchmarks;

internal sealed class Scenario
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required int Customers { get; init; }
    public int LatencyMs { get; init; } = 80;
    public int JitterMs { get; init; } = 70;
    public int WindowLimit { get; init; } = 1666;
    /// <summary>
    /// For "limit off": the fake's 0 means no limit but still sends X-RateLimit-Limit 0 / Remaining 0, which the
    /// budget rightly reads as "nothing left until the reset" (real Intercom never says that). So the memory run
    /// gives the fake a limit it never reaches and the client a budget wide enough not to pace.
    /// </summary>
    public int? UnreachedFakeLimit { get; init; }
    public int? ClientBudgetLimit { get; init; }
    /// <summary>Runs an unmeasured first sync first (in its own child process) so the measured run is a
    /// re-run.</summary>
    public bool Prepopulate { get; init; }
    /// <summary>Stripe customers changed (change-random) between the preparation and the measured run.</summary>
    public int ChangeCount { get; init; }
    public bool InjectFaults { get; init; }
    /// <summary>The app's contacts the fake lists besides the stored ones (see
    /// FakeIntercomOptions.SyntheticContacts).</summary>
    public int SyntheticContacts { get; init; }
    /// <summary>The sync runs the company phase too (every sync of the scenario, the preparation included).</summary>
    public bool SyncCompany { get; init; }
    /// <summary>SyncSettings.WriteMode of every sync of the scenario (the preparation included). The scenarios
    /// from before issue 20 run PerContact, so their figures stay comparable with the recorded ones.</summary>
    public ContactWriteMode WriteMode { get; init; } = ContactWriteMode.PerContact;
    /// <summary>Every live customer is one of the app's users, already a contact (the fakes' --app-users-all:
    /// external_id the app's id, which the customer's metadata carries under app_user_id); the sync runs with
    /// -ExternalIdMetadataKey app_user_id and updates every one.</summary>
    public bool AppUsers { get; init; }
    /// <summary>After the preparation, every live customer's plan changes in Stripe (change-all-plans).</summary>
    public bool ChangeAll { get; init; }
    /// <summary>With <see cref="InjectFaults"/>: one bulk task lost (lose_bulk_job, so the run stops after the stall
    /// timeout and a second run must finish) and <see cref="RejectBulkItemsPercent"/> of bulk items rejected.</summary>
    public bool BulkFaults { get; init; }
    public int RejectBulkItemsPercent { get; init; } = 2;
    /// <summary>BulkWriteOptions.StallTimeout for the measured run (SyncSettings.BulkWrites).</summary>
    public int StallTimeoutSeconds { get; init; } = 30;
    /// <summary>The per-contact scenario this one's wall time is compared with when both ran.</summary>
    public string? Counterpart { get; init; }
    /// <summary>Intercom calls per customer a bulk scenario must stay at or under.</summary>
    public double? CallsTarget { get; init; }
    /// <summary>Checks every customer's contact and MRR value after the run (the issue 20 scenarios).</summary>
    public bool Verify { get; init; }

    public bool IsBulk => WriteMode == ContactWriteMode.Bulk;
    private string? MetadataKey => AppUsers ? "app_user_id" : null;

    public static List<Scenario> All(Options o)
    {
        var n = o.Customers ?? (o.Quick ? 1_000 : 10_000);
        var big = o.MemoryCustomers ?? (o.Quick ? 10_000 : 100_000);
        return
        [
            new()
            {
                Name = "first", Customers = n,
                Description = $"first sync of {n:N0} customers into an empty workspace",
            },
            new()
            {
                Name = "unchanged", Customers = n, Prepopulate = true,
                Description = $"re-run of {n:N0} customers, nothing changed",
            },
            new()
            {
                Name = "changed", Customers = n, Prepopulate = true, ChangeCount = Math.Max(1, n / 100),
                Description = $"re-run of {n:N0} customers, 1% changed in Stripe",
            },
            new()
            {
                Name = "faults", Customers = n, InjectFaults = true,
                Description = $"first sync of {n:N0} with ~5% Intercom faults (500/503/abort/lose_response), "
                    + "429 bursts and Stripe 503s/resets",
            },
            new()
            {
                Name = "companies", Customers = n, SyncCompany = true,
                Description = $"first sync of {n:N0} customers with -SyncCompany into an empty workspace "
                    + "(contact, company, attachment)",
            },
            new()
            {
                Name = "companies-unchanged", Customers = n, SyncCompany = true, Prepopulate = true,
                Description = $"re-run of {n:N0} customers with -SyncCompany, nothing changed",
            },
            new()
            {
                Name = "companies-bulk", Customers = n, SyncCompany = true, WriteMode = ContactWriteMode.Bulk,
                Verify = true, Counterpart = "companies",
                Description = $"first sync of {n:N0} customers with -SyncCompany into an empty workspace, "
                    + "WriteMode Bulk (contacts, companies and attachments in bulk)",
            },
            new()
            {
                Name = "first-bulk", Customers = n, WriteMode = ContactWriteMode.Bulk, Verify = true,
                Counterpart = "first", CallsTarget = 0.05,
                Description = $"first sync of {n:N0} customers into an empty workspace, WriteMode Bulk",
            },
            new()
            {
                Name = "app", Customers = n, AppUsers = true, Verify = true,
                Description = $"first sync of {n:N0} customers, each already the app's contact (by app_user_id), "
                    + "WriteMode PerContact: every contact updated",
            },
            new()
            {
                Name = "app-bulk", Customers = n, AppUsers = true, WriteMode = ContactWriteMode.Bulk, Verify = true,
                Counterpart = "app", CallsTarget = 0.03,
                Description = $"first sync of {n:N0} customers, each already the app's contact (by app_user_id), "
                    + "WriteMode Bulk: every contact updated",
            },
            new()
            {
                Name = "changed-all-percontact", Customers = n, Prepopulate = true, ChangeAll = true, Verify = true,
                Description = $"re-run of {n:N0} customers, every one's plan changed in Stripe, WriteMode PerContact",
            },
            new()
            {
                Name = "changed-all", Customers = n, Prepopulate = true, ChangeAll = true, Verify = true,
                WriteMode = ContactWriteMode.Bulk, Counterpart = "changed-all-percontact", CallsTarget = 0.03,
                Description = $"re-run of {n:N0} customers, every one's plan changed in Stripe, WriteMode Bulk",
            },
            new()
            {
                Name = "faults-bulk", Customers = n, InjectFaults = true, BulkFaults = true, Verify = true,
                WriteMode = ContactWriteMode.Bulk,
                Description = $"first sync of {n:N0}, WriteMode Bulk, with the faults of faults plus one lost bulk "
                    + "task (the run stops; the next run must finish) and 2 % of bulk items rejected",
            },
            new()
            {
                Name = "workspace", Customers = big, SyntheticContacts = 1_000_000 - big,
                LatencyMs = 0, JitterMs = 0, WindowLimit = 0,
                UnreachedFakeLimit = 1_000_000, ClientBudgetLimit = 20_000,
                Description = $"first sync of {big:N0} customers into a workspace of 1,000,000 contacts "
                    + $"({1_000_000 - big:N0} the app's own), no latency, for memory",
            },
            new()
            {
                Name = "memory", Customers = big,
                LatencyMs = 0, JitterMs = 0, WindowLimit = 0,
                UnreachedFakeLimit = 1_000_000, ClientBudgetLimit = 20_000,
                Description = $"first sync of {big:N0} customers, no latency, rate limit off "
                    + "(fake 1,000,000/10 s, client budget 20,000/10 s), for memory",
            },
        ];
    }

    public async Task<Row> RunAsync(Options o)
    {
        string[] flags =
        [
            "--customers", Inv(Customers), "--seed", "42", "--billing-shapes", "--stripe-rps", Inv(o.StripeRps),
            .. (o.StripeLive ? ["--stripe-key", "sk_live_benchmark_fake"] : Array.Empty<string>()),
            "--intercom-latency-ms", Inv(LatencyMs), "--intercom-latency-jitter-ms", Inv(JitterMs),
            "--intercom-window-limit", Inv(UnreachedFakeLimit ?? WindowLimit), "--search-lag-seconds", "2",
            "--synthetic-contacts", Inv(SyntheticContacts),
            .. (AppUsers ? new[] { "--app-users-all" } : []),
        ];
        await using var fakes = await FakesProcess.StartAsync(o.Fakes!, flags);
        var row = new Row
        {
            Scenario = Name,
            Customers = Customers,
            WindowLimit = WindowLimit,
            Counterpart = Counterpart,
        };

        if (Prepopulate)
        {
            Console.WriteLine("   preparing: unmeasured first sync");
            var setup = await RunChildAsync(o, fakes, measured: false);
            if (setup.FailedFinal > 0)
            {
                row.Notes.Add($"preparation left {setup.FailedFinal} failed");
            }
        }
        Dictionary<string, List<double?>>? mrrBefore = null;
        if (ChangeAll)
        {
            mrrBefore = await Verification.ContactMrrAsync(fakes);
            var changed = await fakes.StripeAsync("change-all-plans", new { seed = 7 });
            row.Notes.Add($"changed the plan of {changed["changed"]!.AsArray().Count:N0} Stripe customers "
                + "(change-all-plans seed 7: another plan price, one more seat, active)");
        }
        if (ChangeCount > 0)
        {
            var changed = await fakes.StripeAsync("change-random", new { count = ChangeCount, seed = 7 });
            row.Notes.Add($"changed {changed["changed"]!.AsArray().Count} Stripe customers "
                + $"(change-random count {ChangeCount}, seed 7)");
        }
        await fakes.IntercomAsync("counters/reset", new { });
        await fakes.StripeAsync("counters/reset", new { });

        using var stopFaults = new CancellationTokenSource();
        if (BulkFaults)
        {
            await fakes.IntercomAsync("options", new { reject_bulk_items_percent = RejectBulkItemsPercent });
            // One task lost after the first few bulk writes: the run stalls on it and stops like an outage.
            await fakes.IntercomAsync("faults", new { kind = "lose_bulk_job", count = 1, after = 10 });
        }

        var injector = InjectFaults
            ? FaultInjector.RunAsync(fakes, WindowLimit, stopFaults.Token)
            : Task.FromResult(new FaultInjector.Report());
        SyncRunResult result;
        var fakesCpuBefore = fakes.CpuTime;
        try
        {
            result = await RunChildAsync(o, fakes, measured: true);
        }
        finally
        {
            stopFaults.Cancel();
        }

        row.SyncCpuMs = result.CpuMs;
        row.FakesCpuMs = (long)(fakes.CpuTime - fakesCpuBefore).TotalMilliseconds;
        var injected = await injector;
        if (InjectFaults)
        {
            // Faults still armed when the run ended never fired; count only those that did.
            await fakes.IntercomAsync("options", new { window_limit = WindowLimit });
            row.Notes.Add(injected.Describe());
        }

        if (BulkFaults)
        {
            await fakes.IntercomAsync("options", new { reject_bulk_items_percent = 0 });
            var bulk = await BulkTaskCensusAsync(fakes);
            row.Notes.Add($"bulk faults: lose_bulk_job armed once (after 10 bulk writes), {bulk.Lost} task(s) lost; "
                + $"{RejectBulkItemsPercent} % of bulk items rejected: {bulk.Rejected:N0} of {bulk.Items:N0} items "
                + $"in {bulk.Tasks:N0} tasks; stall timeout {result.StallTimeout ?? "not asked for"}");
            row.Notes.Add(result.FirstRunStopped is null
                ? "the first run did not stop (no lost task stalled it), so no second run"
                : $"the first run stopped after {result.FirstRunWallMs / 1000.0:0.0} s ({result.FirstRunStopped}); "
                  + $"the second run over all {result.SecondRunProfiles:N0} customers finished; wall time covers both");
        }

        var intercom = await fakes.IntercomAsync("counters");
        var stripe = await fakes.StripeAsync("counters");
        var census = await fakes.ContactCensusAsync();

        row.WallSeconds = result.WallMs / 1000.0;
        row.StripeCalls = (long)stripe["total"]!;
        row.IntercomCalls = (long)intercom["total"]!;
        row.IntercomWrites = (long)intercom["writes"]!;
        row.Throttled = result.IntercomThrottled;
        row.StripeThrottled = result.StripeThrottled;
        row.Retries = result.IntercomRetries;
        row.StripeRetries = result.StripeRetries;
        row.Failed = result.FailedFinal;
        row.FailedFirstPass = result.FailedFirstPass;
        row.Contacts = census.Contacts;
        row.Duplicates = census.DuplicateExternalIds;
        row.PeakWorkingSet = result.PeakWorkingSet;
        row.SampledPeak = result.SampledPeakWorkingSet;
        row.Budget = result.Budget + $", {result.Writers} writers, WriteMode {result.WriteMode}";
        row.Actions = string.Join(", ", result.Actions.Select(p => $"{p.Key} {p.Value}"));
        // The generator deletes a few of the customers it makes; the live ones are what a sync must cover.
        row.Customers = result.Profiles;
        row.Notes.Add($"fake Stripe generated {Customers:N0} customers, {result.Profiles:N0} live "
            + "(the reader yielded them, each synced)");
        if (census.WithoutExternalId > 0)
        {
            row.Notes.Add($"{census.WithoutExternalId} contacts without external_id");
        }

        row.Notes.Add("client-side logical calls (the clients count above the retry handler, so retries excluded): "
            + $"Intercom {result.IntercomClientCalls}, Stripe {result.StripeClientCalls}; "
            + $"Intercom connection failures {result.IntercomConnectionFailures}");
        if (result.FailedFirstPass > 0)
        {
            row.Notes.Add($"{result.FailedFirstPass} customers failed after the handlers' retries "
                + "and were re-run once; "
                + $"{result.FailedFinal} still failed. Samples: {string.Join(" | ", result.FailureSamples)}");
        }

        if (SyncCompany)
        {
            var companies = await fakes.CompanyCensusAsync();
            var perCustomer = (double)row.IntercomCalls / Math.Max(1, row.Customers);
            var target = Prepopulate ? 0.05 : 3.1;
            row.Notes.Add($"companies: {companies.Companies:N0} in the fake, "
                + $"{companies.Attached:N0} with a contact attached, "
                + $"{companies.DuplicateCompanyIds} duplicate company_ids; "
                + $"Intercom calls per customer {perCustomer:0.000} "
                + $"(target <= {target.ToString(CultureInfo.InvariantCulture)}), writes {row.IntercomWrites:N0}");
            row.Passed = companies.Companies == row.Customers && companies.Attached == row.Customers
                         && companies.DuplicateCompanyIds == 0
                         && perCustomer <= target && (!Prepopulate || row.IntercomWrites == 0);
            if (!row.Passed)
            {
                return row;
            }
        }

        if (Verify || IsBulk)
        {
            await CheckIssue20Async(o, fakes, row, result, mrrBefore);
            return row;
        }

        // Targets: no failures and no duplicates anywhere, one contact per customer; >= 90 % of the window on the
        // first sync; < 400 MB for the memory run.
        row.Passed = row.Failed == 0 && row.Duplicates == 0 && row.Contacts == row.Customers
                     && (Name != "first" || row.PercentOfLimit >= 90)
                     && (Name != "memory" || row.PeakWorkingSet < 400L * 1024 * 1024)
                     && (Name != "workspace" || row.PeakWorkingSet < 600L * 1024 * 1024);
        return row;
    }

    /// <summary>
    /// The issue 20 checks, after the fakes' counters were read: every live customer has exactly one contact holding
    /// Stripe's MRR; for a bulk scenario, Intercom calls per customer against its target, and a re-run with nothing
    /// changed (faults off) that must write nothing. The speed-up against the per-contact counterpart is
    /// <see cref="Table.CompareCounterparts"/>'s, once every scenario ran.
    /// </summary>
    private async Task CheckIssue20Async(Options o, FakesProcess fakes, Row row, SyncRunResult result,
        Dictionary<string, List<double?>>? mrrBefore)
    {
        var check = await Verification.RunAsync(fakes, MetadataKey, mrrBefore);
        row.Missing = check.Missing;
        row.Notes.Add(check.Describe(mrrBefore is not null));
        var callsPerCustomer = (double)row.IntercomCalls / Math.Max(1, row.Customers);
        var passed = row.Duplicates == 0 && check.Duplicated == 0 && row.Contacts == check.Customers;
        if (BulkFaults)
        {
            // Rejected items the in-run retry pass met again are failed: the next run's. Those customers may lack a
            // contact or hold an old value; every other one must be exact.
            passed = row.Duplicates == 0 && check.Duplicated == 0 && check.Missing <= row.Failed
                     && check.Missing + check.ValuesWrong <= row.Failed;
        }
        else
        {
            passed = passed && row.Failed == 0 && check.AllExact;
        }

        if (IsBulk)
        {
            await fakes.IntercomDeleteAsync("faults");
            await fakes.StripeDeleteAsync("faults");
            await fakes.IntercomAsync("counters/reset", new { });
            Console.WriteLine("   checking: unmeasured re-run with nothing changed");
            var again = await RunChildAsync(o, fakes, measured: false);
            var counters = await fakes.IntercomAsync("counters");
            var writes = (long)counters["writes"]!;
            var created = again.Actions.GetValueOrDefault("Created") + again.Actions.GetValueOrDefault("RerunCreated");
            var updated = again.Actions.GetValueOrDefault("Updated") + again.Actions.GetValueOrDefault("RerunUpdated");
            row.CheckWrites = $"{created}/{updated}/{writes}";
            // After faults-bulk the still-failed customers are the re-run's to write; nothing else may be written.
            var allowed = BulkFaults ? row.Failed : 0;
            var quiet = created + updated <= allowed && (allowed > 0 || writes == 0);
            row.Notes.Add($"no-change re-run (faults off): {created} created, {updated} updated, {writes} Intercom "
                + $"write requests, {(long)counters["total"]!} calls"
                + (BulkFaults ? $" (allowed: the {allowed} still failed)" : " (target 0)")
                + (quiet ? "" : ": NOT MET"));
            passed = passed && quiet;
        }

        if (CallsTarget is { } target)
        {
            var met = callsPerCustomer <= target;
            row.Notes.Add($"Intercom calls per customer {callsPerCustomer:0.000} "
                + $"(target <= {target.ToString(CultureInfo.InvariantCulture)}: {(met ? "met" : "NOT MET")})");
            passed = passed && met;
        }

        row.Passed = passed;
    }

    private static async Task<(int Tasks, int Lost, int Items, int Rejected)> BulkTaskCensusAsync(
        FakesProcess fakes)
    {
        var jobs = await fakes.IntercomAsync("bulk/jobs");
        int tasks = 0, lost = 0, items = 0, rejected = 0;
        foreach (var job in jobs["data"]!.AsArray())
        {
            foreach (var task in job!["tasks"]!.AsArray())
            {
                tasks++;
                lost += (bool)task!["lost"]! ? 1 : 0;
                foreach (var item in task["items"]!.AsArray())
                {
                    items++;
                    rejected += (string?)item!["outcome"] == "rejected" ? 1 : 0;
                }
            }
        }
        return (tasks, lost, items, rejected);
    }

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs the sync in a fresh process of this program and reads its RESULT line.</summary>
    /// <param name="measured">The measured run; false for a preparation or a check, which never re-runs on a
    /// stop.</param>
    private async Task<SyncRunResult> RunChildAsync(Options o, FakesProcess fakes, bool measured)
    {
        var budgetLimit = ClientBudgetLimit;
        var syncCompany = SyncCompany;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Scenario).Assembly.Location);
        foreach (var arg in new[]
                 {
                     "--child", "--stripe-url", fakes.StripeUrl.ToString(), "--stripe-key", fakes.StripeKey,
                     "--intercom-url", fakes.IntercomUrl.ToString(), "--intercom-token", fakes.IntercomToken,
                     "--writers", Inv(o.Writers), "--budget", budgetLimit is null ? o.Budget : "fake",
                     "--budget-limit", Inv(budgetLimit ?? o.BudgetLimit),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        if (syncCompany)
        {
            start.ArgumentList.Add("--sync-company");
        }

        start.ArgumentList.Add("--write-mode");
        start.ArgumentList.Add(WriteMode.ToString());
        if (MetadataKey is not null)
        {
            start.ArgumentList.Add("--external-id-metadata-key");
            start.ArgumentList.Add(MetadataKey);
        }

        if (measured && BulkFaults)
        {
            start.ArgumentList.Add("--rerun-on-stop");
            start.ArgumentList.Add("--stall-timeout-seconds");
            start.ArgumentList.Add(Inv(StallTimeoutSeconds));
        }

        start.Environment["DOTNET_gcServer"] = "0";
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("Could not start the sync process.");
        SyncRunResult? result = null;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(SyncRun.ResultPrefix, StringComparison.Ordinal))
            {
                result = JsonSerializer.Deserialize<SyncRunResult>(line[SyncRun.ResultPrefix.Length..]);
            }
            else
            {
                Console.WriteLine("   | " + line);
            }
        }
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || result is null)
        {
            throw new InvalidOperationException($"The sync process failed (exit code {process.ExitCode}).");
        }

        return result;
    }
}

/// <summary>
/// Arms faults on both fakes while the measured sync runs: Intercom faults at ~5 % of the requests the fake has
/// counted so far (rotating 500, 503, connection abort, and lose_response on creates), a 429 burst every 12 s (the
/// window limit dropped to 1/10 for 1.5 s, which also throttles every request for the rest of that server window),
/// and a Stripe 503 pair or connection reset every 2 s once the previous ones have had requests to hit.
/// </summary>
internal static class FaultInjector
{
    internal sealed class Report
    {
        public Dictionary<string, int> IntercomArmed { get; } = new();
        public int Bursts { get; set; }
        public int StripeArmed { get; set; }
        public long IntercomRequestsSeen { get; set; }

        public string Describe() =>
            $"armed Intercom faults {string.Join(", ", IntercomArmed.Select(p => $"{p.Key} {p.Value}"))} " +
            $"(total {IntercomArmed.Values.Sum()}, " +
            $"{100.0 * IntercomArmed.Values.Sum() / Math.Max(1, IntercomRequestsSeen):0.0} % " +
            $"of {IntercomRequestsSeen} requests counted while armed); " +
            $"{Bursts} 429 bursts (window limit cut to 1/10 for 1.5 s); " +
            $"Stripe faults armed {StripeArmed} (503 and connection resets)";
    }

    private static readonly (string Kind, string? Route)[] Kinds =
        [("500", null), ("503", null), ("abort", null), ("lose_response", "POST /contacts")];

    public static async Task<Report> RunAsync(FakesProcess fakes, int windowLimit, CancellationToken stop)
    {
        var report = new Report();
        var armed = 0;
        var tick = 0;
        long stripeArmedAt = -1, stripeLastCount = 0;
        var burstEvery = TimeSpan.FromSeconds(12);
        var nextBurst = Stopwatch.StartNew();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(500, stop);
                tick++;
                var total = (long)(await fakes.IntercomAsync("counters"))["total"]!;
                report.IntercomRequestsSeen = total;
                var due = (int)(total * 0.05) - armed;
                for (var i = 0; i < due; i++)
                {
                    var (kind, route) = Kinds[(armed + i) % Kinds.Length];
                    await fakes.IntercomAsync("faults",
                        route is null ? new { kind, count = 1 } : (object)new { kind, count = 1, route });
                    report.IntercomArmed[kind] = report.IntercomArmed.GetValueOrDefault(kind) + 1;
                }
                if (due > 0)
                {
                    armed += due;
                }

                // Stripe is read in bursts (a page when the writers need more), so a fault is armed only once the
                // previous ones had requests to fire on: queued faults must not pile up into one long outage.
                var stripeTotal = (long)(await fakes.StripeAsync("counters"))["total"]!;
                if (tick % 4 == 0 && stripeTotal > stripeArmedAt + stripeLastCount)
                {
                    var reset = tick % 8 == 0;
                    await fakes.StripeAsync("faults",
                        reset ? new { count = 1, reset = true } : (object)new { count = 2, status = 503 });
                    stripeLastCount = reset ? 1 : 2;
                    stripeArmedAt = stripeTotal;
                    report.StripeArmed += (int)stripeLastCount;
                }

                if (windowLimit > 0 && nextBurst.Elapsed >= burstEvery)
                {
                    nextBurst.Restart();
                    report.Bursts++;
                    await fakes.IntercomAsync("options", new { window_limit = Math.Max(1, windowLimit / 10) });
                    await Task.Delay(1500, CancellationToken.None);
                    await fakes.IntercomAsync("options", new { window_limit = windowLimit });
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        return report;
    }
}
