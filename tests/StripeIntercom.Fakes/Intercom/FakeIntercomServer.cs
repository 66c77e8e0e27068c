using Microsoft.AspNetCore.Builder;

namespace StripeIntercom.Fakes.Intercom;

// Placeholder: replaced by the full fake Intercom.
public sealed class FakeIntercomOptions
{
    public string AccessToken { get; set; } = "fake_intercom_token";
    public static FakeIntercomOptions FromArgs(string[] args) => new();
}

public sealed class FakeIntercomServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private FakeIntercomServer(WebApplication app, Uri baseUrl, FakeIntercomOptions options) { _app = app; BaseUrl = baseUrl; Options = options; }
    public Uri BaseUrl { get; }
    public FakeIntercomOptions Options { get; }
    public static async Task<FakeIntercomServer> StartAsync(FakeIntercomOptions options)
    {
        var (app, url) = await LoopbackServer.StartAsync(_ => { });
        return new FakeIntercomServer(app, url, options);
    }
    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
