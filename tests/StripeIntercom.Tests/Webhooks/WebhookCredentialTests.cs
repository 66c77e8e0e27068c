using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Intercom;
using StripeIntercom.Runs;
using StripeIntercom.Tests.Runs;
using StripeIntercom.Webhooks;
using Xunit;
using static StripeIntercom.Tests.Webhooks.SignedDeliveries;

namespace StripeIntercom.Tests.Webhooks;

/// <summary>
/// A revoked Intercom token while the listener runs, over real HTTP (fake Stripe and fake Intercom on loopback, the
/// shipped engine, signed deliveries): processing stops with one error, and later deliveries are answered 503, not
/// acknowledged, so Stripe delivers them again.
/// </summary>
public sealed class WebhookCredentialTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = new();
    private readonly ConcurrentQueue<WebhookActivity> _activities = new();
    private EngineRig? _rig;
    private int _eventNumber;

    private async Task<EngineRig> RevokedTokenRigAsync()
    {
        _rig = await EngineRig.StartAsync(customers: 12);
        _rig.Intercom.State.ArmFault(FakeFaultKind.Unauthorized401, 1_000_000);
        return _rig;
    }

    private async Task<HttpStatusCode> DeliverAsync(Uri url, string customerId)
    {
        var payload = Payload($"evt_revoked_{Interlocked.Increment(ref _eventNumber)}", "customer.updated", customerId);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", Sign(payload));
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    private static WebhookListener Listener(WebhookProcessor processor, out Uri url)
    {
        var port = LoopbackPort.Free();
        url = new Uri($"http://127.0.0.1:{port}/stripe/");
        return new WebhookListener($"http://127.0.0.1:{port}/stripe/",
            new StripeWebhookVerifier(Secret, TimeSpan.FromMinutes(5)), processor);
    }

    [Fact]
    public async Task A_revoked_Intercom_token_stops_processing_with_one_error_and_later_deliveries_get_503()
    {
        var rig = await RevokedTokenRigAsync();
        var customers = rig.Stripe.State.LiveCustomers().Take(3).Select(c => c.Id).ToList();
        var job = rig.NewSyncJob();
        using var processor = new WebhookProcessor(
            (id, token) => job.SyncCustomerAsync(id, SyncRunReporting.None, token), _activities.Enqueue);
        var listener = Listener(processor, out var url);
        using var stop = new CancellationTokenSource();
        var listening = listener.RunAsync(stop.Token);

        Assert.Equal(HttpStatusCode.OK, await DeliverAsync(url, customers[0]));
        await Task.Delay(Timeout.Infinite, processor.StoppedByError).ContinueWith(_ => { }).WaitAsync(Patience);

        // The listener is still up, but it no longer takes deliveries it cannot process.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await DeliverAsync(url, customers[1]));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await DeliverAsync(url, customers[2]));
        Assert.Equal(1, listener.Acknowledged);

        stop.Cancel();
        await listening.WaitAsync(Patience);
        await processor.StopAsync(new CancellationTokenSource(Patience).Token);
        var error = Assert.IsType<IntercomAuthenticationException>(processor.StopError);
        var failed = Assert.Single(_activities, a => a.Kind == WebhookActivityKind.Failed);
        Assert.Same(error, failed.Error);
        Assert.Equal(customers[0], failed.CustomerId);
        Assert.DoesNotContain(_activities, a => a.Kind == WebhookActivityKind.Synced);
        Assert.DoesNotContain(_activities, a => a.CustomerId == customers[1] || a.CustomerId == customers[2]);
    }

    [Fact]
    public async Task The_host_ends_by_itself_with_the_one_error_that_stopped_processing()
    {
        var rig = await RevokedTokenRigAsync();
        var customer = rig.Stripe.State.LiveCustomers().First().Id;
        var port = LoopbackPort.Free();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var job = rig.NewSyncJob();
        using var host = new WebhookHost($"http://127.0.0.1:{port}/", new StripeWebhookVerifier(Secret,
            TimeSpan.FromMinutes(5)), (id, token) => job.SyncCustomerAsync(id, SyncRunReporting.None, token),
            _activities.Enqueue);
        var running = host.RunAsync(duration: Patience, CancellationToken.None);
        Assert.Equal(url.Port, host.ListeningOn!.Port);

        Assert.Equal(HttpStatusCode.OK, await DeliverAsync(url, customer));
        var started = DateTime.UtcNow;
        await running.WaitAsync(Patience);

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "the host waited for its duration");
        var error = Assert.IsType<IntercomAuthenticationException>(host.StopError);
        var failed = Assert.Single(_activities, a => a.Kind == WebhookActivityKind.Failed);
        Assert.Same(error, failed.Error);
        Assert.Equal(0, host.DroppedReports);
    }

    [Fact]
    public void A_bad_prefix_is_refused_before_anything_runs_and_a_taken_port_when_started()
    {
        var verifier = new StripeWebhookVerifier(Secret, TimeSpan.FromMinutes(5));
        var error = Assert.Throws<ArgumentException>(() => new WebhookHost("https://127.0.0.1:1/", verifier,
            (id, _) => throw new InvalidOperationException("must not run"), _activities.Enqueue));
        Assert.Equal("prefix", error.ParamName);

        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var host = new WebhookHost($"http://127.0.0.1:{port}/", verifier,
            (id, _) => throw new InvalidOperationException("must not run"), _activities.Enqueue);
        // Thrown by the call itself, not by the task it would return.
        Assert.Throws<InvalidOperationException>(() => { _ = host.RunAsync(null, CancellationToken.None); });
    }


    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_rig != null)
        {
            await _rig.DisposeAsync();
        }
    }
}
