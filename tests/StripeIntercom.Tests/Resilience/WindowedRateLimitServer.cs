using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StripeIntercom.Fakes;

namespace StripeIntercom.Tests.Resilience;

/// <summary>
/// A loopback server that limits requests per fixed window aligned to the Unix clock, the way Intercom does: every
/// response carries X-RateLimit-Limit, -Remaining and -Reset (Unix seconds); requests beyond the limit get a 429.
/// </summary>
public sealed class WindowedRateLimitServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, int[]> _arrivalsPerWindow = new();
    private readonly int _limit;
    private readonly TimeSpan _window;
    private WebApplication? _app;
    private int _throttled;
    private int _accepted;

    private WindowedRateLimitServer(int limit, TimeSpan window)
    {
        _limit = limit;
        _window = window;
    }

    public Uri BaseUrl { get; private set; } = null!;
    public int Throttled => Volatile.Read(ref _throttled);
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>The most requests that arrived within any one window, throttled ones included.</summary>
    public int BusiestWindow =>
        _arrivalsPerWindow.Values.Select(count => Volatile.Read(ref count[0])).DefaultIfEmpty(0).Max();

    public static async Task<WindowedRateLimitServer> StartAsync(int limit, TimeSpan window)
    {
        var server = new WindowedRateLimitServer(limit, window);
        (server._app, server.BaseUrl) = await LoopbackServer.StartAsync(app => app.Run(server.HandleAsync));
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var windowMs = (long)_window.TotalMilliseconds;
        var windowIndex = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / windowMs;
        var arrivals = Interlocked.Increment(ref _arrivalsPerWindow.GetOrAdd(windowIndex, _ => new int[1])[0]);
        var resetUnixSeconds = ((windowIndex + 1) * windowMs + 999) / 1000;
        context.Response.Headers["X-RateLimit-Limit"] = _limit.ToString();
        context.Response.Headers["X-RateLimit-Remaining"] = Math.Max(0, _limit - arrivals).ToString();
        context.Response.Headers["X-RateLimit-Reset"] = resetUnixSeconds.ToString();
        if (arrivals > _limit)
        {
            Interlocked.Increment(ref _throttled);
            context.Response.StatusCode = 429;
            await context.Response.WriteAsync(
                "{\"type\":\"error.list\",\"errors\":[{\"code\":\"rate_limit_exceeded\",\"message\":\"Exceeded rate " +
                "limit\"}]}");
            return;
        }
        Interlocked.Increment(ref _accepted);
        await context.Response.WriteAsync("{\"type\":\"contact\"}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
