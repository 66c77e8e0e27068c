using Microsoft.AspNetCore.Builder;

namespace StripeIntercom.Fakes.Stripe;

// Placeholder: replaced by the full fake Stripe.
public sealed class FakeStripeOptions
{
    public string ApiKey { get; set; } = "sk_test_fake_stripe_key";
    public static FakeStripeOptions FromArgs(string[] args) => new();
}

public sealed class FakeStripeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private FakeStripeServer(WebApplication app, Uri baseUrl, FakeStripeOptions options) { _app = app; BaseUrl = baseUrl; Options = options; }
    public Uri BaseUrl { get; }
    public FakeStripeOptions Options { get; }
    public static async Task<FakeStripeServer> StartAsync(FakeStripeOptions options)
    {
        var (app, url) = await LoopbackServer.StartAsync(_ => { });
        return new FakeStripeServer(app, url, options);
    }
    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
