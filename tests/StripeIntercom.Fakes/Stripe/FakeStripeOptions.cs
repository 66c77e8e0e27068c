using System.Globalization;

namespace StripeIntercom.Fakes.Stripe;

public sealed class FakeStripeOptions
{
    public string ApiKey { get; set; } = "sk_test_fake_stripe_key";
    public int CustomerCount { get; set; } = 200;
    public int Seed { get; set; } = 42;
    /// <summary>Stripe's test-mode limit is 25; 0 turns the limit off. Read per request, so it may change at run
    /// time.</summary>
    public int RequestsPerSecond { get; set; } = 25;
    /// <summary>Added before every API request; read per request.</summary>
    public int LatencyMs { get; set; }
    /// <summary>The generator's "now"; null means the time the server starts (events must fall in Stripe's last 30
    /// days).</summary>
    public DateTimeOffset? Now { get; set; }
    /// <summary>Adds tiered, metered and discounted billing, legacy cards and the showcase customers (<see
    /// cref="FakeBillingShapes"/>).</summary>
    public bool BillingShapes { get; set; }

    /// <summary>Reads --customers N --seed N --stripe-latency-ms N --stripe-key K --stripe-rps N --billing-shapes;
    /// other arguments belong to other fakes and are ignored.</summary>
    public static FakeStripeOptions FromArgs(string[] args)
    {
        var options = new FakeStripeOptions { BillingShapes = args.Contains("--billing-shapes") };
        for (var i = 0; i + 1 < args.Length; i++)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--customers": options.CustomerCount = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--seed": options.Seed = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--stripe-latency-ms":
                    options.LatencyMs =
                    int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--stripe-key": options.ApiKey = value; i++; break;
                case "--stripe-rps":
                    options.RequestsPerSecond =
                    int.Parse(value, CultureInfo.InvariantCulture); i++; break;
            }
        }
        return options;
    }
}
