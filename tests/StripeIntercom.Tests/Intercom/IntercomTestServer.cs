using Microsoft.Extensions.Logging;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Intercom;

namespace StripeIntercom.Tests.Intercom;

/// <summary>A fake Intercom on loopback plus a client pointed at it; rate limit and search lag off unless
/// asked.</summary>
public sealed class IntercomTestServer : IAsyncDisposable
{
    private readonly List<IntercomClient> _clients = new();

    private IntercomTestServer(FakeIntercomServer fake) => Fake = fake;

    public FakeIntercomServer Fake { get; }
    public FakeIntercomState State => Fake.State;

    public static async Task<IntercomTestServer> StartAsync(Action<FakeIntercomOptions>? configure = null)
    {
        var options = new FakeIntercomOptions { WindowLimit = 0, SearchLagSeconds = 0 };
        configure?.Invoke(options);
        return new IntercomTestServer(await FakeIntercomServer.StartAsync(options));
    }

    public IntercomClient CreateClient(string? token = null, ILogger? logger = null)
    {
        var client = new IntercomClient(
            new IntercomSettings { AccessToken = token ?? Fake.Options.AccessToken, ApiBase = Fake.BaseUrl }, logger);
        _clients.Add(client);
        return client;
    }

    public HttpClient CreateRawClient(bool authenticated = true)
    {
        var http = new HttpClient { BaseAddress = Fake.BaseUrl };
        if (authenticated)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", Fake.Options.AccessToken);
        }

        http.DefaultRequestHeaders.Add("Intercom-Version", "2.14");
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await Fake.DisposeAsync();
    }
}
