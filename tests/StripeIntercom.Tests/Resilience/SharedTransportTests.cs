using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StripeIntercom.Fakes;
using StripeIntercom.Resilience;
using Xunit;

namespace StripeIntercom.Tests.Resilience;

/// <summary>The connection pool shared by a connection's clients: reused, recycled after its lifetime, closed once
/// idle.</summary>
public sealed class SharedTransportTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<int> _remotePorts = new();
    private WebApplication _app = null!;
    private Uri _baseUrl = null!;

    public async Task InitializeAsync() =>
        (_app, _baseUrl) = await LoopbackServer.StartAsync(app => app.MapGet("/ping", (HttpContext ctx) =>
        {
            _remotePorts.Enqueue(ctx.Connection.RemotePort);
            return "pong";
        }));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Clients_share_one_pool_until_its_lifetime_ends_then_a_new_one_serves_and_the_old_one_is_disposed()
    {
        var handlers = new List<TrackedHandler>();
        using var transport = new SharedTransport(TimeSpan.FromMilliseconds(300), () =>
        {
            var handler = new TrackedHandler();
            lock (handlers)
            {
                handlers.Add(handler);
            }

            return handler;
        });

        using (var first = new HttpClient(transport.CreateHandler()) { BaseAddress = _baseUrl })
        using (var second = new HttpClient(transport.CreateHandler()) { BaseAddress = _baseUrl })
        {
            await first.GetStringAsync("ping");
            await second.GetStringAsync("ping");
        }

        // Both clients went through one connection, and disposing them left the pool open.
        Assert.Single(_remotePorts.Distinct());
        Assert.Equal(1, transport.Generations);
        Assert.False(handlers[0].Disposed);

        await Task.Delay(400);
        using (var third = new HttpClient(transport.CreateHandler()) { BaseAddress = _baseUrl })
        {
            Assert.Equal("pong", await third.GetStringAsync("ping"));
        }

        Assert.Equal(2, transport.Generations);
        Assert.Equal(2, _remotePorts.Distinct().Count());
        Assert.True(handlers[0].Disposed, "the retired pool is disposed once its last request finished");
        Assert.False(handlers[1].Disposed);

        transport.Dispose();
        Assert.True(handlers[1].Disposed);
        using var closed = new HttpClient(transport.CreateHandler()) { BaseAddress = _baseUrl };
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => closed.GetStringAsync("ping"));
    }

    private sealed class TrackedHandler : DelegatingHandler
    {
        public TrackedHandler() : base(new HttpClientHandler()) { }

        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
