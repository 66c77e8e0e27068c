using System.Globalization;

namespace StripeIntercom.Benchmarks;

internal sealed class Options
{
    public string? Fakes { get; set; }
    public string? Scenario { get; set; }
    public bool Quick { get; set; }
    /// <summary>Concurrent syncs (the module's ThrottleLimit); 32 keeps ~20 requests of 80-150 ms in flight, enough for
    /// the window.</summary>
    public int Writers { get; set; } = 32;
    /// <summary>"fake" (default): a RateLimitBudget of the fake's real limit (--budget-limit, 1666/10 s); "default":
    /// ForIntercom() 1500/10 s.</summary>
    public string Budget { get; set; } = "fake";
    public int BudgetLimit { get; set; } = 1666;
    public int StripeRps { get; set; } = 100;

    /// <summary>
    /// A live-mode Stripe key for the fakes (sk_live_...), so the client reads Stripe at the live-mode budget instead
    /// of test mode's 20 requests a second, which otherwise bounds how fast any run can go.
    /// </summary>
    public bool StripeLive { get; set; }
    public int? Customers { get; set; }
    public int? MemoryCustomers { get; set; }
    public string? ResultsFile { get; set; }

    // Child (measured sync) mode.
    public bool Child { get; set; }
    public string? StripeUrl { get; set; }
    public string? StripeKey { get; set; }
    public string? IntercomUrl { get; set; }
    public string? IntercomToken { get; set; }
    /// <summary>Child: also run the company phase (Invoke-StripeIntercomSync -SyncCompany).</summary>
    public bool SyncCompany { get; set; }
    /// <summary>Child: SyncSettings.WriteMode (Auto, Bulk or PerContact); the parent always passes it.</summary>
    public string? WriteMode { get; set; }
    /// <summary>Child: SyncSettings.ExternalIdMetadataKey (the app's user id in Stripe metadata).</summary>
    public string? ExternalIdMetadataKey { get; set; }
    /// <summary>Child: when the run stops (a run-stopping error), run again over every customer, as the next
    /// scheduled run would, and report both; without it a stopped run fails the child.</summary>
    public bool RerunOnStop { get; set; }
    /// <summary>Child: BulkWriteOptions.StallTimeout in seconds, where the settings let it be set.</summary>
    public int? StallTimeoutSeconds { get; set; }

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--fakes": o.Fakes = Next(); break;
                case "--scenario": o.Scenario = Next(); break;
                case "--quick": o.Quick = true; break;
                case "--writers": o.Writers = NextInt(); break;
                case "--budget": o.Budget = Next(); break;
                case "--budget-limit": o.BudgetLimit = NextInt(); break;
                case "--stripe-rps": o.StripeRps = NextInt(); break;
                case "--stripe-live": o.StripeLive = true; break;
                case "--customers": o.Customers = NextInt(); break;
                case "--memory-customers": o.MemoryCustomers = NextInt(); break;
                case "--results": o.ResultsFile = Next(); break;
                case "--child": o.Child = true; break;
                // build.ps1 runs `dotnet run ... --nologo -- ...`; the SDK forwards --nologo to the program.
                case "--nologo": break;
                case "--stripe-url": o.StripeUrl = Next(); break;
                case "--stripe-key": o.StripeKey = Next(); break;
                case "--intercom-url": o.IntercomUrl = Next(); break;
                case "--intercom-token": o.IntercomToken = Next(); break;
                case "--sync-company": o.SyncCompany = true; break;
                case "--write-mode": o.WriteMode = Next(); break;
                case "--external-id-metadata-key": o.ExternalIdMetadataKey = Next(); break;
                case "--rerun-on-stop": o.RerunOnStop = true; break;
                case "--stall-timeout-seconds": o.StallTimeoutSeconds = NextInt(); break;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    Environment.Exit(0);
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]}\n{Usage}");
            }
        }
        if (o.Budget is not ("fake" or "default"))
        {
            throw new ArgumentException("--budget is fake or default");
        }

        return o;
    }

    public const string Usage = """
        StripeIntercom.Benchmarks [--fakes DIR] [--quick]
                                  [--scenario first|unchanged|changed|faults|companies|companies-unchanged|
                                              workspace|memory|companies-bulk|first-bulk|app|app-bulk|changed-all|
                                              changed-all-percontact|faults-bulk[,...]]
                                  [--writers N] [--budget fake|default] [--budget-limit N] [--stripe-rps N]
                                  [--stripe-live] [--customers N] [--memory-customers N] [--results FILE]
          --fakes            published fakes (default: <repo>/out/fakes)
          --scenario         run these scenarios (comma-separated); all fifteen by default
          --quick            1,000 customers (10,000 for workspace and memory) for a smoke run
          --writers          concurrent syncs (default 32)
          --budget           fake: RateLimitBudget(--budget-limit, 10 s) (default, 1666);
                             default: ForIntercom() 1500/10 s
          --stripe-rps       the fake Stripe's per-second limit (default 100)
          --stripe-live      a live-mode key for the fake Stripe: the client's live-mode budget, not test mode's 20 rps
          --results          also write the table as markdown to FILE
        """;
}
