using System.Globalization;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>How the fake Intercom behaves. Mutable while running: the server reads it on every request.</summary>
public sealed class FakeIntercomOptions
{
    public string AccessToken { get; set; } = "fake_intercom_token";

    /// <summary>Requests allowed per 10-second window; 0 turns rate limiting off (the headers are still sent).</summary>
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

    /// <summary>Reads the --intercom-* flags and ignores everything else, because the fake Stripe shares argv.</summary>
    public static FakeIntercomOptions FromArgs(string[] args)
    {
        var options = new FakeIntercomOptions();
        for (var i = 0; i < args.Length - 1; i++)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--intercom-latency-ms": options.LatencyMs = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--intercom-latency-jitter-ms": options.LatencyJitterMs = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--intercom-window-limit": options.WindowLimit = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--intercom-token": options.AccessToken = value; i++; break;
                case "--search-lag-seconds": options.SearchLagSeconds = double.Parse(value, CultureInfo.InvariantCulture); i++; break;
            }
        }
        return options;
    }
}
