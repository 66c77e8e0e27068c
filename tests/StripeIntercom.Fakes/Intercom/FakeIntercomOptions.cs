using System.Globalization;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>How the fake Intercom behaves. Mutable while running: the server reads it on every request.</summary>
public sealed class FakeIntercomOptions
{
    public string AccessToken { get; set; } = "fake_intercom_token";

    /// <summary>Requests allowed per 10-second window; 0 turns rate limiting off (the headers are still
    /// sent).</summary>
    public int WindowLimit { get; set; } = 1666;

    public int LatencyMs { get; set; }

    /// <summary>Random extra latency in [0, LatencyJitterMs].</summary>
    public int LatencyJitterMs { get; set; }

    /// <summary>
    /// Seconds after a create or update before search sees the contact (real Intercom: up to minutes). An updated
    /// contact drops out of search for that long, which is stricter than Intercom (it would show the old values).
    /// </summary>
    public double SearchLagSeconds { get; set; } = 2;

    public int MaxCustomAttributes { get; set; } = 250;

    /// <summary>
    /// Whether PUT role=user turns a lead into a user (the 2.14 update request accepts role). Off, the fake refuses
    /// it with a 400 on "role", so a client's merge fallback can be tested.
    /// </summary>
    public bool AllowLeadToUserUpdate { get; set; } = true;

    /// <summary>
    /// How GET /companies?company_id= answers. The 2.14 description says a list holding the company (the default, so
    /// the contract checks pass); real Intercom answers with the company object itself (intercom-node PR #472).
    /// A client must read both.
    /// </summary>
    public bool CompanyLookupAsObject { get; set; }

    /// <summary>Companies per page of GET /companies/scroll (Intercom does not document the size).</summary>
    public int CompanyScrollPageSize { get; set; } = 50;

    /// <summary>A company scroll unused this long expires; only one scroll may be open per workspace.</summary>
    public double CompanyScrollExpirySeconds { get; set; } = 60;

    /// <summary>How deep GET /companies may page (Intercom: 10,000 companies; beyond that, use the scroll).</summary>
    public int MaxCompanyListDepth { get; set; } = 10_000;

    /// <summary>Milliseconds before a Preview bulk task is processed (pending, then running, then done).</summary>
    public int BulkJobDelayMs { get; set; } = 200;

    /// <summary>Milliseconds a bulk job takes appended tasks after its last one was added; then appends get 403
    /// forbidden "job X is closed for new task updates".</summary>
    public int BulkJobOpenMs { get; set; } = 2000;

    /// <summary>Share of bulk items (0 to 100) rejected at random without being applied, as if they failed Intercom's
    /// validation: their job ends completed_with_errors.</summary>
    public int RejectBulkItemsPercent { get; set; }

    /// <summary>
    /// A workspace without the Preview endpoints: every bulk request is refused as an unknown version.
    /// </summary>
    public bool RefusePreview { get; set; }

    /// <summary>Reads the --intercom-* flags and ignores everything else, because the fake Stripe shares
    /// argv.</summary>
    /// <summary>
    /// Contacts the app made that the list serves after the stored ones without storing them: generated from their
    /// number when a page is asked for, so a benchmark can face a workspace of a million contacts. They are users with
    /// the app's own ids and emails no Stripe customer has; lookups, search and creates do not see them.
    /// </summary>
    public int SyntheticContacts { get; set; }

    public static FakeIntercomOptions FromArgs(string[] args)
    {
        var options = new FakeIntercomOptions();
        for (var i = 0; i < args.Length - 1; i++)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--intercom-latency-ms":
                    options.LatencyMs =
                    int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--intercom-latency-jitter-ms":
                    options.LatencyJitterMs =
                    int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--intercom-window-limit":
                    options.WindowLimit =
                    int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--intercom-token": options.AccessToken = value; i++; break;
                case "--search-lag-seconds":
                    options.SearchLagSeconds =
                    double.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--synthetic-contacts":
                    options.SyntheticContacts =
                    int.Parse(value, CultureInfo.InvariantCulture); i++; break;
            }
        }
        return options;
    }
}
