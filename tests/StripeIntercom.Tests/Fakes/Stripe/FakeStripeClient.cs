using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using StripeIntercom.Fakes.Stripe;
using Xunit;

namespace StripeIntercom.Tests.Fakes.Stripe;

/// <summary>Plain HttpClient access to a fake Stripe, for tests that check the wire, not a client library.</summary>
internal sealed class FakeStripeClient(FakeStripeServer server, string? apiKey = null) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = server.BaseUrl };

    public async Task<(int Status, JsonObject Body, HttpResponseMessage Response)> GetAsync(string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey ?? server.Options.ApiKey);
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text)!.AsObject(), response);
    }

    public async Task<JsonObject> GetOkAsync(string pathAndQuery)
    {
        var (status, body, _) = await GetAsync(pathAndQuery);
        Assert.True(status == 200, $"{pathAndQuery} -> {status} {body.ToJsonString()}");
        return body;
    }

    public async Task<JsonNode> ControlAsync(string path, object? body = null)
    {
        var response = body is null && path.StartsWith("GET ")
            ? await _http.GetAsync(path[4..])
            : await _http.PostAsync(path,
                new StringContent(body is null ? "" : System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8,
                "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path} -> {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public void Dispose() => _http.Dispose();
}
