using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StripeIntercom.Benchmarks;

// Benchmarks of the Stripe -> Intercom sync against the fakes run as a separate process. The orchestrator (this
// process without --child) starts fresh fakes per scenario, prepares them, injects faults, and reads the fakes'
// counters and contacts; the sync itself runs in a child process of this program (--child) so its wall time,
// client counters and peak working set are the sync's alone.
var options = Options.Parse(args);
if (options.Child)
{
    return await SyncRun.MainAsync(options);
}

options.Fakes ??= Path.Combine(FindRepoRoot(), "out", "fakes");
var scenarios = Scenario.All(options);
if (options.Scenario is not null)
{
    var wanted = options.Scenario.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    scenarios = scenarios.Where(s => wanted.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
    if (scenarios.Count == 0)
    {
        Console.Error.WriteLine($"Unknown scenario {options.Scenario}.\n{Options.Usage}");
        return 2;
    }
}

Console.WriteLine($"Fakes: {options.Fakes}; writers {options.Writers}; Intercom budget "
    + (options.Budget == "fake"
        ? $"RateLimitBudget({options.BudgetLimit}, 10 s)"
        : "RateLimitBudget.ForIntercom() 1500/10 s")
    + $"; fake Stripe limit {options.StripeRps} rps"
    + (options.StripeLive ? "; live-mode Stripe key (the client's live-mode Stripe budget)" : ""));
var rows = new List<Row>();
foreach (var scenario in scenarios)
{
    Console.WriteLine($"== {scenario.Name}: {scenario.Description}");
    var row = await scenario.RunAsync(options);
    rows.Add(row);
    Console.WriteLine(Table.Render([row]));
}

Table.CompareCounterparts(rows, options.StripeLive);
var report = Table.Report(rows, options);
Console.WriteLine();
Console.WriteLine(report);
if (options.ResultsFile is not null)
{
    await File.WriteAllTextAsync(options.ResultsFile, report);
}

return rows.All(r => r.Passed) ? 0 : 1;

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "StripeIntercom.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

namespace StripeIntercom.Benchmarks
{
    internal sealed class Row
    {
        public string Scenario { get; set; } = "";
        public int Customers { get; set; }
        public double WallSeconds { get; set; }
        public long StripeCalls { get; set; }
        public long IntercomCalls { get; set; }
        public long IntercomWrites { get; set; }
        public int WindowLimit { get; set; }
        public long Throttled { get; set; }
        public long StripeThrottled { get; set; }
        public long Retries { get; set; }
        public long StripeRetries { get; set; }
        public int Failed { get; set; }
        public int FailedFirstPass { get; set; }
        public int Contacts { get; set; }
        public int Duplicates { get; set; }
        public long PeakWorkingSet { get; set; }
        public long SampledPeak { get; set; }
        public long SyncCpuMs { get; set; }
        public long FakesCpuMs { get; set; }
        public string Budget { get; set; } = "";
        public string Actions { get; set; } = "";
        public List<string> Notes { get; set; } = new();
        public bool Passed { get; set; } = true;
        /// <summary>The per-contact scenario a bulk one's wall time is compared with.</summary>
        public string? Counterpart { get; set; }
        /// <summary>Live customers without a contact (the issue 20 scenarios' check).</summary>
        public int Missing { get; set; }
        /// <summary>A bulk scenario's no-change re-run: created/updated/Intercom write requests.</summary>
        public string? CheckWrites { get; set; }

        public double CallsPer10s => IntercomCalls / (WallSeconds / 10);
        public double PercentOfLimit => WindowLimit > 0 ? 100 * CallsPer10s / WindowLimit : double.NaN;
    }

    internal static class Table
    {
        private static readonly string[] Headers =
        [
            "Scenario", "Customers", "Wall (s)", "Stripe calls/cust", "Intercom calls/cust", "Intercom calls/10 s",
            "% of window limit", "429s (Intercom/Stripe)", "Retries (Intercom/Stripe)", "Failed (final; 1st pass)",
            "Contacts", "Duplicate external_ids", "Peak WS (MB)",
        ];

        public static string Render(IReadOnlyList<Row> rows)
        {
            var sb = new StringBuilder();
            sb.AppendLine("| " + string.Join(" | ", Headers) + " |");
            sb.AppendLine("|" + string.Concat(Headers.Select(_ => "---|")));
            foreach (var r in rows)
            {
                string[] cells =
                [
                    r.Scenario, N(r.Customers), F(r.WallSeconds, 1), F((double)r.StripeCalls / r.Customers, 3),
                    F((double)r.IntercomCalls / r.Customers, 3), F(r.CallsPer10s, 0),
                    r.WindowLimit > 0 ? F(r.PercentOfLimit, 1) + " % of " + r.WindowLimit : "limit off",
                    $"{r.Throttled}/{r.StripeThrottled}", $"{r.Retries}/{r.StripeRetries}",
                    $"{r.Failed}; {r.FailedFirstPass}",
                    N(r.Contacts), N(r.Duplicates), F(r.PeakWorkingSet / 1048576.0, 0),
                ];
                sb.AppendLine("| " + string.Join(" | ", cells) + " |");
            }
            return sb.ToString();
        }

        public static string Report(IReadOnlyList<Row> rows, Options o)
        {
            var sb = new StringBuilder();
            sb.AppendLine(
                $"Run {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} on {Environment.MachineName}: "
                + $"{Environment.ProcessorCount} cores, "
                + $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0:0} GB, "
                + $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}"
                + (o.Quick ? " (--quick)" : ""));
            sb.AppendLine();
            sb.Append(Render(rows));
            sb.AppendLine();
            foreach (var r in rows)
            {
                sb.AppendLine(
                    $"- {r.Scenario}: budget {r.Budget}; actions {r.Actions}; "
                    + $"Intercom writes {N((int)r.IntercomWrites)}; "
                    + $"sampled peak WS {F(r.SampledPeak / 1048576.0, 0)} MB; "
                    + $"CPU {F(r.SyncCpuMs / 1000.0, 1)} s sync + {F(r.FakesCpuMs / 1000.0, 1)} s fakes "
                    + $"of {F(r.WallSeconds * Environment.ProcessorCount, 1)} core-s"
                    + (r.CheckWrites is null ? "" : $"; no-change re-run created/updated/writes {r.CheckWrites}")
                    + (r.Passed ? "" : "; TARGET NOT MET"));
                foreach (var note in r.Notes)
                {
                    sb.AppendLine("  - " + note);
                }
            }
            var first = rows.FirstOrDefault(r => r.Scenario == "first");
            var memory = rows.FirstOrDefault(r => r.Scenario == "memory");
            if (first is not null && memory is not null)
            {
                sb.AppendLine(
                    $"- memory growth: {N(first.Customers)} -> {N(memory.Customers)} customers, "
                    + $"peak WS {F(first.PeakWorkingSet / 1048576.0, 0)} -> "
                    + $"{F(memory.PeakWorkingSet / 1048576.0, 0)} MB "
                    + $"(+{F((memory.PeakWorkingSet - first.PeakWorkingSet) / 1048576.0, 0)} MB, "
                    + $"{F((double)memory.PeakWorkingSet / first.PeakWorkingSet, 2)}x)");
            }

            return sb.ToString();
        }

        /// <summary>
        /// Bulk scenarios against their per-contact counterparts run in the same invocation: the wall-time speed-up
        /// (target at least 5x) and the calls per customer side by side. Without the counterpart, says so. Beside it,
        /// the most the client's Stripe budget lets the run reach: its Stripe calls cannot all be sent sooner than
        /// one budget a second allows, whatever Intercom does (the budget reuses each of its slots a second after the
        /// slot's last request, so one slot carries the ceiling of calls / budget of them, a second apart).
        /// </summary>
        public static void CompareCounterparts(IReadOnlyList<Row> rows, bool stripeLive)
        {
            const double target = 5;
            var stripePerSecond = StripeIntercom.Resilience.RateLimitBudget.ForStripe(testMode: !stripeLive)
                .MaxRequestsPerWindow;
            foreach (var row in rows.Where(r => r.Counterpart is not null))
            {
                var other = rows.FirstOrDefault(r => r.Scenario == row.Counterpart);
                if (other is null)
                {
                    row.Notes.Add($"speed-up: {row.Counterpart} did not run in this invocation, so not measured");
                    continue;
                }

                var speedUp = other.WallSeconds / row.WallSeconds;
                var met = speedUp >= target;
                row.Notes.Add($"speed-up against {other.Scenario}: {F(other.WallSeconds, 1)} s -> "
                    + $"{F(row.WallSeconds, 1)} s = {F(speedUp, 2)}x (target >= {target:0}x: "
                    + $"{(met ? "met" : "NOT MET")}); Intercom calls per customer "
                    + $"{F((double)other.IntercomCalls / other.Customers, 3)} -> "
                    + $"{F((double)row.IntercomCalls / row.Customers, 3)}");
                var stripeFloor = Math.Ceiling(row.StripeCalls / (double)stripePerSecond) - 1;
                if (stripeFloor > 0)
                {
                    row.Notes.Add($"Stripe budget: {N((int)row.StripeCalls)} Stripe calls at the client's "
                        + $"{(stripeLive ? "live" : "test")}-mode {stripePerSecond} a second cannot all be sent in "
                        + $"less than {F(stripeFloor, 1)} s, so this run can be at most "
                        + $"{F(other.WallSeconds / stripeFloor, 1)}x faster than {other.Scenario}");
                }

                row.Passed = row.Passed && met;
            }
        }

        public static string F(double value, int decimals) =>
            double.IsNaN(value) ? "n/a" : value.ToString("N" + decimals, CultureInfo.InvariantCulture);
        public static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
    }
}
