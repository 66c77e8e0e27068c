using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StripeIntercom.Benchmarks;

/// <summary>
/// The fakes (out/fakes/StripeIntercom.Fakes.dll) as a child process: started with flags, its one JSON line read,
/// stopped by closing its stdin. Also the client of both fakes' /__control surfaces.
/// </summary>
internal sealed class FakesProcess : IAsyncDisposable
{
    private readonly Process _process;

    private FakesProcess(Process process, Uri stripe, Uri intercom, string stripeKey, string intercomToken)
    {
        _process = process;
        StripeUrl = stripe;
        IntercomUrl = intercom;
        StripeKey = stripeKey;
        IntercomToken = intercomToken;
        Http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
    }

    public Uri StripeUrl { get; }
    public Uri IntercomUrl { get; }
    public string StripeKey { get; }

    /// <summary>CPU time the fakes process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }
    public string IntercomToken { get; }
    public HttpClient Http { get; }

    public static async Task<FakesProcess> StartAsync(string fakesDir, IEnumerable<string> flags)
    {
        var dll = Path.Combine(fakesDir, "StripeIntercom.Fakes.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException(
                $"Fakes not found at {dll}; run the Build task first (it publishes them to out/fakes).", dll);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var flag in flags)
        {
            start.ArgumentList.Add(flag);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the fakes.");
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(10))
            ?? throw new InvalidOperationException("The fakes exited before printing their URLs.");
        var json = JsonNode.Parse(line)!.AsObject();
        return new FakesProcess(process,
            new Uri((string)json["stripe"]!), new Uri((string)json["intercom"]!),
            (string)json["stripeKey"]!, (string)json["intercomToken"]!);
    }

    public Task<JsonObject> IntercomAsync(string path, object? body = null) =>
        CallAsync(new Uri(IntercomUrl, "__control/" + path), body);
    public Task<JsonObject> StripeAsync(string path, object? body = null) =>
        CallAsync(new Uri(StripeUrl, "__control/" + path), body);

    public Task IntercomDeleteAsync(string path) => DeleteAsync(new Uri(IntercomUrl, "__control/" + path));
    public Task StripeDeleteAsync(string path) => DeleteAsync(new Uri(StripeUrl, "__control/" + path));

    private async Task DeleteAsync(Uri uri)
    {
        using var response = await Http.DeleteAsync(uri);
        response.EnsureSuccessStatusCode();
    }

    private async Task<JsonObject> CallAsync(Uri uri, object? body)
    {
        using var response = body is null && !uri.AbsolutePath.EndsWith("/reset", StringComparison.Ordinal)
            ? await Http.GetAsync(uri)
            : await Http.PostAsJsonAsync(uri, body ?? new { });
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        return (await JsonNode.ParseAsync(stream))!.AsObject();
    }

    /// <summary>Live (not archived, not merged) contacts and how many external_ids are held by more than one of
    /// them.</summary>
    public async Task<(int Contacts, int DuplicateExternalIds, int WithoutExternalId)> ContactCensusAsync()
    {
        using var response = await Http.GetAsync(new Uri(IntercomUrl, "__control/contacts"),
            HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var doc = await JsonDocument.ParseAsync(stream);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        int contacts = 0, withoutExternalId = 0;
        foreach (var contact in doc.RootElement.GetProperty("data").EnumerateArray())
        {
            if (contact.TryGetProperty("archived", out var archived) && archived.ValueKind == JsonValueKind.True)
            {
                continue;
            }

            contacts++;
            var externalId = contact.TryGetProperty("external_id", out var e) && e.ValueKind == JsonValueKind.String
                ? e.GetString()
                : null;
            if (externalId is null) { withoutExternalId++; continue; }
            counts[externalId] = counts.GetValueOrDefault(externalId) + 1;
        }
        return (contacts, counts.Values.Count(n => n > 1), withoutExternalId);
    }

    /// <summary>Companies in the fake (listed or not), how many have a contact attached, and company_ids held
    /// twice.</summary>
    public async Task<(int Companies, int Attached, int DuplicateCompanyIds)> CompanyCensusAsync()
    {
        using var response = await Http.GetAsync(new Uri(IntercomUrl, "__control/companies"),
            HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var doc = await JsonDocument.ParseAsync(stream);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        int companies = 0, attached = 0;
        foreach (var company in doc.RootElement.GetProperty("data").EnumerateArray())
        {
            companies++;
            if (company.GetProperty("contact_ids").GetArrayLength() > 0)
            {
                attached++;
            }

            var id = company.GetProperty("company_id").GetString()!;
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }
        return (companies, attached, counts.Values.Count(n => n > 1));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
