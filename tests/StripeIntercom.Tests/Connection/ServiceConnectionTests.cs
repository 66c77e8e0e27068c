using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StripeIntercom.Connection;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Fakes.Stripe;
using Xunit;

namespace StripeIntercom.Tests.Connection;

/// <summary>Connect's two checks over real HTTP: a blip is retried, a rejected credential is not, a silent host is
/// named.</summary>
public sealed class ServiceConnectionTests : IAsyncLifetime
{
    private FakeStripeServer _stripe = null!;
    private FakeIntercomServer _intercom = null!;

    public async Task InitializeAsync()
    {
        _stripe = await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 3, RequestsPerSecond = 0 });
        _intercom = await FakeIntercomServer.StartAsync(new FakeIntercomOptions { WindowLimit = 0 });
    }

    public async Task DisposeAsync()
    {
        await _stripe.DisposeAsync();
        await _intercom.DisposeAsync();
    }

    private ConnectionOptions Options(Uri? intercomBase = null, string? token = null) => new()
    {
        StripeApiKey = _stripe.Options.ApiKey,
        StripeApiBase = _stripe.BaseUrl,
        IntercomAccessToken = token ?? _intercom.Options.AccessToken,
        IntercomApiBase = intercomBase ?? _intercom.BaseUrl,
    };

    [Fact]
    public async Task A_single_500_on_the_first_Intercom_call_is_retried_and_the_connection_opens()
    {
        _intercom.State.ArmFault(FakeFaultKind.ServerError500, 1, "GET /me");

        using var connection = await ServiceConnection.OpenAsync(Options(), null, CancellationToken.None);

        Assert.Equal(2, _intercom.State.Counters["GET /me"]);
        Assert.Equal(_intercom.BaseUrl.ToString(), connection.Info.IntercomApiBase);
    }

    [Fact]
    public async Task A_rejected_token_is_not_retried_and_is_told_apart_from_an_unreachable_service()
    {
        var error = await Assert.ThrowsAsync<ConnectionFailedException>(() =>
            ServiceConnection.OpenAsync(Options(token: "wrong"), null, CancellationToken.None));

        Assert.Equal("Intercom", error.Service);
        Assert.True(error.CredentialsRejected);
        Assert.Equal(1, _intercom.State.Counters["GET /me"]);
        Assert.DoesNotContain("wrong", error.Message);
    }

    [Fact]
    public async Task A_host_that_never_answers_fails_within_twenty_seconds_naming_the_service_and_the_url()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await silent.AcceptSocketAsync());
                }
            }
            catch (Exception) { }
        });
        var silentBase = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/");

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ConnectionFailedException>(() =>
            ServiceConnection.OpenAsync(Options(silentBase), null, CancellationToken.None));
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"Connect took {watch.Elapsed}");
        Assert.Equal("Intercom", error.Service);
        Assert.False(error.CredentialsRejected);
        Assert.Contains(silentBase.ToString(), error.Message);
        Assert.Contains("Intercom", error.Message);
        silent.Stop();
        foreach (var socket in accepted)
        {
            socket.Dispose();
        }

        await accepting;
    }

    [Fact]
    public async Task Readers_and_clients_share_the_connection_pools_and_disposing_the_connection_closes_them()
    {
        var connection = await ServiceConnection.OpenAsync(Options(), null, CancellationToken.None);
        using (var client = connection.CreateIntercomClient(null))
        {
            await client.GetMeAsync();
        }

        // The client's own handlers are gone with it; the pool it used is the connection's and still serves.
        using (var again = connection.CreateIntercomClient(null))
        {
            await again.GetMeAsync();
        }

        using (var reader = connection.CreateStripeReader(null))
        {
            await reader.GetAsync("cus_missing");
        }

        connection.Dispose();
        using var afterClose = connection.CreateIntercomClient(null);
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => afterClose.GetMeAsync());
        using var readerAfterClose = connection.CreateStripeReader(null);
        var stripeError = await Assert.ThrowsAnyAsync<Exception>(() => readerAfterClose.GetAsync("cus_missing"));
        Assert.Contains(Chain(stripeError), e => e is ObjectDisposedException);
    }

    private static IEnumerable<Exception> Chain(Exception? error)
    {
        for (; error != null; error = error.InnerException)
        {
            yield return error;
        }
    }
}
