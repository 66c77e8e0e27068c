using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>
/// A stateful fake of Intercom's REST API 2.14 on loopback, strict where a wrong client would otherwise pass:
/// bearer auth, uniqueness with real 409s, custom attributes that must exist and match their type, lagging
/// search, per-window rate limits with the real headers, latency and injected faults. /__control is the
/// unauthenticated test surface; <see cref="State"/> is the same thing in process.
/// </summary>
public sealed class FakeIntercomServer : IAsyncDisposable
{
    private const string ControlPrefix = "/__control";
    private readonly WebApplication _app;

    private FakeIntercomServer(WebApplication app, Uri baseUrl, FakeIntercomOptions options, FakeIntercomState state)
    {
        _app = app;
        BaseUrl = baseUrl;
        Options = options;
        State = state;
    }

    public Uri BaseUrl { get; }
    public FakeIntercomOptions Options { get; }
    public FakeIntercomState State { get; }

    public static async Task<FakeIntercomServer> StartAsync(FakeIntercomOptions? options = null)
    {
        options ??= new FakeIntercomOptions();
        var state = new FakeIntercomState(options);
        var (app, url) = await LoopbackServer.StartAsync(app =>
        {
            app.UseRouting();
            app.Use((context, next) => Pipeline(context, next, options, state));
            FakeIntercomApi.Map(app, state);
            FakeCompanyApi.Map(app, state);
            FakeDataEventApi.Map(app, state);
            FakeBulkApi.Map(app, state);
            FakeIntercomControl.Map(app, state, options);
            FakeCompanyControl.Map(app, state);
            app.MapFallback(context => Write(context, 404, FakeIntercomError.Body("not_found", "Resource Not Found")));
        });
        return new FakeIntercomServer(app, url, options, state);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static async Task Pipeline(HttpContext context, RequestDelegate next, FakeIntercomOptions options,
        FakeIntercomState state)
    {
        if (context.Request.Path.StartsWithSegments(ControlPrefix)) { await next(context); return; }

        var route = context.Request.Method + " " +
            ((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)");
        state.Counters.Count(route);
        context.Request.EnableBuffering();
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        context.Request.Body.Position = 0;
        var version = context.Request.Headers["Intercom-Version"].FirstOrDefault();
        state.SawVersion(version);

        var handled = false;
        try
        {
            var (allowed, limit, remaining, reset) = state.ConsumeRateLimit();
            context.Response.Headers["X-RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["X-RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);

            var latency =
                options.LatencyMs + (options.LatencyJitterMs > 0 ? Random.Shared.Next(options.LatencyJitterMs + 1) : 0);
            if (latency > 0)
            {
                await Task.Delay(latency, context.RequestAborted);
            }

            handled = true;

            var auth = context.Request.Headers.Authorization.FirstOrDefault();
            if (auth is null || auth != "Bearer " + options.AccessToken)
            {
                await Write(context, 401, FakeIntercomError.Body("unauthorized", "Access Token Invalid"));
                return;
            }
            if (!allowed)
            {
                await Write(context, 429, FakeIntercomError.Body("rate_limit_exceeded", "Too many requests"));
                return;
            }

            switch (state.TakeFault(route, context.Request.Path + context.Request.QueryString + "\n" + body))
            {
                case FakeFaultKind.ServerError500:
                    await Write(context, 500, FakeIntercomError.Body("server_error", "Server Error"));
                    return;
                case FakeFaultKind.ServiceUnavailable503:
                    await Write(context, 503, FakeIntercomError.Body("service_unavailable", "Service Unavailable"));
                    return;
                case FakeFaultKind.Abort:
                    context.Abort();
                    return;
                case FakeFaultKind.Unauthorized401:
                    await Write(context, 401, FakeIntercomError.Body("unauthorized", "Access Token Invalid"));
                    return;
                case FakeFaultKind.TooManyRequests429:
                    context.Response.Headers["X-RateLimit-Limit"] =
                        Math.Max(1, limit).ToString(CultureInfo.InvariantCulture);
                    context.Response.Headers["X-RateLimit-Remaining"] = "0";
                    context.Response.Headers["X-RateLimit-Reset"] =
                        (FakeIntercomState.Now() + 1).ToString(CultureInfo.InvariantCulture);
                    await Write(context, 429, FakeIntercomError.Body("rate_limit_exceeded", "Too many requests"));
                    return;
                case FakeFaultKind.TooManyRequests429NoHeaders:
                    context.Response.Headers.Remove("X-RateLimit-Limit");
                    context.Response.Headers.Remove("X-RateLimit-Remaining");
                    context.Response.Headers.Remove("X-RateLimit-Reset");
                    await Write(context, 429, FakeIntercomError.Body("rate_limit_exceeded", "Too many requests"));
                    return;
                case FakeFaultKind.LoseResponse:
                    // Let the request do its work, then drop the answer on the floor.
                    context.Response.Body = Stream.Null;
                    await next(context);
                    context.Abort();
                    return;
                case FakeFaultKind.LoseBulkJob:
                    // Answered as usual; the bulk route reads this and never processes the task it adds.
                    context.Items[FakeBulkApi.LoseTaskKey] = true;
                    break;
            }

            await next(context);
        }
        finally
        {
            // 499 (nginx's "client closed request") for a request given up before it was answered: nothing was done.
            var status = !handled && context.RequestAborted.IsCancellationRequested ? 499 : context.Response.StatusCode;
            state.Record(
                new FakeRecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                route,
                body.Length == 0 ? null : body, status, version));
        }
    }

    internal static async Task Write(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    internal static async Task<JsonObject> ReadObject(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body) as JsonObject
                ?? throw FakeIntercomError.Invalid("The request body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw FakeIntercomError.Invalid("The request body is not valid JSON: " + e.Message);
        }
    }

    /// <summary>Runs a handler and turns a <see cref="FakeIntercomError"/> into Intercom's error.list.</summary>
    internal static RequestDelegate Handle(Func<HttpContext, Task<JsonNode>> handler) => async context =>
    {
        JsonNode result;
        try
        {
            result = await handler(context);
        }
        catch (FakeIntercomError e)
        {
            await Write(context, e.Status, e.ToJson());
            return;
        }
        await Write(context, 200, result);
    };
}
