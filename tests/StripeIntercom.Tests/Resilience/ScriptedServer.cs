using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StripeIntercom.Fakes;

namespace StripeIntercom.Tests.Resilience;

public sealed record RecordedRequest(int Index, DateTimeOffset ArrivedAt, string Method, string Path, string Body,
    string? ContentType);

/// <summary>
/// A loopback server that answers the n-th request with the n-th scripted step (the last step repeats) and records
/// every request as it arrives, before the step runs.
/// </summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Func<HttpContext, int, Task> _respond;
    private WebApplication? _app;
    private int _count;

    private ScriptedServer(Func<HttpContext, int, Task> respond) => _respond = respond;

    public Uri BaseUrl { get; private set; } = null!;
    public IReadOnlyList<RecordedRequest> Requests => _requests.OrderBy(r => r.Index).ToArray();
    public int Hits => Volatile.Read(ref _count);

    public static Task<ScriptedServer> StartAsync(params Func<HttpContext, Task>[] steps) =>
        StartAsync((context, index) => steps[Math.Min(index, steps.Length - 1)](context));

    public static async Task<ScriptedServer> StartAsync(Func<HttpContext, int, Task> respond)
    {
        var server = new ScriptedServer(respond);
        (server._app, server.BaseUrl) = await LoopbackServer.StartAsync(app => app.Run(server.HandleAsync));
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        var arrivedAt = DateTimeOffset.UtcNow;
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        _requests.Enqueue(
            new RecordedRequest(index, arrivedAt, context.Request.Method, context.Request.Path, body,
            context.Request.ContentType));
        await _respond(context, index);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>Steps for <see cref="ScriptedServer"/>.</summary>
public static class Respond
{
    public static Func<HttpContext, Task> Status(int status, string? body = null,
        params (string Name, string Value)[] headers) => async context =>
    {
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        if (body is not null)
        {
            await context.Response.WriteAsync(body);
        }
    };

    public static Func<HttpContext, Task> Ok(string body = "{\"ok\":true}") => Status(200, body);

    public static Func<HttpContext, Task> ResetConnection() => context =>
    {
        context.Abort();
        return Task.CompletedTask;
    };

    public static Func<HttpContext, Task> After(TimeSpan delay, Func<HttpContext, Task> then) => async context =>
    {
        try
        {
            await Task.Delay(delay, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await then(context);
    };
}
