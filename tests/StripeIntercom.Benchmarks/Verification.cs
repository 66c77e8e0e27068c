using System.Globalization;
using System.Text.Json;
using StripeIntercom.Connection;
using StripeIntercom.Resilience;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Benchmarks;

/// <summary>
/// After a measured run: does every live Stripe customer have exactly one live contact, and does each contact's MRR
/// attribute hold what Stripe says? "What Stripe says" is the library's own reading of the fake Stripe (the fake
/// knows subscriptions, not MRR): a fresh reader's profiles through <see cref="AttributeMap.Default"/>, read after the
/// fakes' counters, so it costs the measured figures nothing.
/// </summary>
internal sealed class Verification
{
    public const string MrrAttribute = "stripe_mrr";

    public int Customers { get; private set; }
    public int Missing { get; private set; }
    public int Duplicated { get; private set; }
    public int ValuesExact { get; private set; }
    public int ValuesWrong { get; private set; }
    public List<string> WrongSamples { get; } = new();
    /// <summary>With <c>before</c>: customers whose expected MRR differs from the one before the change.</summary>
    public int MrrChanged { get; private set; }

    public bool AllExact => Missing == 0 && Duplicated == 0 && ValuesWrong == 0;

    public string Describe(bool withChanged) =>
        $"check of every live customer against the fake Intercom: {Missing} missing, {Duplicated} with more than one "
        + $"contact, {MrrAttribute} exact on {ValuesExact:N0} of {Customers:N0}"
        + (ValuesWrong > 0 ? $", WRONG on {ValuesWrong} (e.g. {string.Join(" | ", WrongSamples)})" : "")
        + (withChanged ? $"; the change moved the expected {MrrAttribute} of {MrrChanged:N0} customers" : "");

    /// <summary>Each contact's MRR attribute by external_id (live contacts holding one).</summary>
    public static async Task<Dictionary<string, List<double?>>> ContactMrrAsync(FakesProcess fakes)
    {
        using var response = await fakes.Http.GetAsync(new Uri(fakes.IntercomUrl, "__control/contacts"),
            HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var doc = await JsonDocument.ParseAsync(stream);
        var byExternalId = new Dictionary<string, List<double?>>(StringComparer.Ordinal);
        foreach (var contact in doc.RootElement.GetProperty("data").EnumerateArray())
        {
            if (contact.TryGetProperty("archived", out var archived) && archived.ValueKind == JsonValueKind.True)
            {
                continue;
            }

            if (!contact.TryGetProperty("external_id", out var e) || e.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            double? mrr = contact.TryGetProperty("custom_attributes", out var custom)
                          && custom.ValueKind == JsonValueKind.Object
                          && custom.TryGetProperty(MrrAttribute, out var value)
                          && value.ValueKind == JsonValueKind.Number
                ? value.GetDouble()
                : null;
            if (!byExternalId.TryGetValue(e.GetString()!, out var list))
            {
                byExternalId[e.GetString()!] = list = new List<double?>(1);
            }

            list.Add(mrr);
        }
        return byExternalId;
    }

    /// <param name="externalIdMetadataKey">The app's user id key when contacts carry the app's id, else null (the
    /// customer id is the external_id).</param>
    /// <param name="before">Contacts' MRR before a change in Stripe, to count whose expected value moved.</param>
    public static async Task<Verification> RunAsync(FakesProcess fakes, string? externalIdMetadataKey,
        Dictionary<string, List<double?>>? before = null)
    {
        var contacts = await ContactMrrAsync(fakes);
        var connection = await ServiceConnection.OpenAsync(new ConnectionOptions
        {
            StripeApiKey = fakes.StripeKey,
            StripeApiBase = fakes.StripeUrl,
            IntercomAccessToken = fakes.IntercomToken,
            IntercomApiBase = fakes.IntercomUrl,
        }, null, CancellationToken.None);
        using var reader = connection.CreateStripeReader(null, new ResilienceCounters());
        var map = AttributeMap.Default;
        var check = new Verification();
        await foreach (var profile in reader.ReadAsync(CustomerQuery.All))
        {
            if (profile.Deleted)
            {
                continue;
            }

            check.Customers++;
            var externalId = externalIdMetadataKey is not null
                             && profile.Metadata.TryGetValue(externalIdMetadataKey, out var appId)
                ? appId
                : profile.Id;
            var expected = map.Evaluate(profile).TryGetValue(MrrAttribute, out var value) && value is not null
                ? Convert.ToDouble(value, CultureInfo.InvariantCulture)
                : (double?)null;
            if (before is not null && before.TryGetValue(externalId, out var old) && old.Count == 1
                && old[0] != expected)
            {
                check.MrrChanged++;
            }

            if (!contacts.TryGetValue(externalId, out var held))
            {
                check.Missing++;
                continue;
            }

            if (held.Count > 1)
            {
                check.Duplicated++;
                continue;
            }

            if (held[0] == expected)
            {
                check.ValuesExact++;
            }
            else
            {
                check.ValuesWrong++;
                if (check.WrongSamples.Count < 3)
                {
                    check.WrongSamples.Add($"{profile.Id}: {held[0]?.ToString(CultureInfo.InvariantCulture) ?? "none"}"
                        + $" in Intercom, {expected?.ToString(CultureInfo.InvariantCulture) ?? "none"} in Stripe");
                }
            }
        }
        return check;
    }
}
