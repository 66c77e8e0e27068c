using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>
/// A stateful fake of the Stripe API on loopback. Every /v1 request is counted per route template, then delayed
/// (LatencyMs), then may hit an injected fault, then must carry the API key, then passes the rate limit.
/// </summary>
public sealed class FakeStripeServer : IAsyncDisposable
{
    public const string ApiVersion = "2026-10-28.endive";

    private readonly WebApplication _app;

    private FakeStripeServer(WebApplication app, Uri baseUrl, FakeStripeState state)
    {
        _app = app;
        BaseUrl = baseUrl;
        State = state;
    }

    public Uri BaseUrl { get; }
    public FakeStripeState State { get; }
    public FakeStripeOptions Options => State.Options;
    public FakeStripeCounters Counters => State.Counters;
    public FakeStripeFaults Faults => State.Faults;

    public static async Task<FakeStripeServer> StartAsync(FakeStripeOptions? options = null)
    {
        var state = new FakeStripeState(options ?? new FakeStripeOptions());
        var (app, url) = await LoopbackServer.StartAsync(app =>
        {
            app.UseRouting();
            app.Use((ctx, next) => Pipeline(ctx, next, state));
            FakeStripeApi.Map(app, state);
            FakeStripeControl.Map(app, state);
        });
        return new FakeStripeServer(app, url, state);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static async Task Pipeline(HttpContext ctx, RequestDelegate next, FakeStripeState state)
    {
        var path = ctx.Request.Path.Value ?? "";
        if (path.StartsWith("/__control", StringComparison.Ordinal))
        {
            await next(ctx);
            return;
        }

        var endpoint = ctx.GetEndpoint() as RouteEndpoint;
        var route = $"{ctx.Request.Method} {endpoint?.RoutePattern.RawText ?? path}";
        state.Counters.Record(route);
        ctx.Response.Headers["Request-Id"] = "req_" + Guid.NewGuid().ToString("N")[..14];
        ctx.Response.Headers["Stripe-Version"] = ApiVersion;

        if (state.Options.LatencyMs > 0)
        {
            await Task.Delay(state.Options.LatencyMs, ctx.RequestAborted);
        }

        if (state.Faults.Take(route) is { } fault)
        {
            if (fault.ResetConnection)
            {
                ctx.Abort();
                return;
            }
            await WriteJson(ctx, fault.Status,
                new StripeApiException(fault.Status, "An unexpected error occurred (injected by the fake).",
                "api_error").Body());
            return;
        }

        if (AuthenticationError(ctx.Request.Headers.Authorization.ToString(), state.Options.ApiKey) is { } authError)
        {
            await WriteJson(ctx, 401, new StripeApiException(401, authError).Body());
            return;
        }

        // Plain 429 without Stripe-Should-Retry: pacing is the client's job.
        if (!state.RateLimiter.TryAcquire())
        {
            await WriteJson(ctx, 429, new StripeApiException(429,
                "Request rate limit exceeded. You can learn more about rate limits here " +
                "https://stripe.com/docs/rate-limits.", code: "rate_limit").Body());
            return;
        }

        if (endpoint is null)
        {
            await WriteJson(ctx, 404, new StripeApiException(404,
                $"Unrecognized request URL ({ctx.Request.Method}: {path}). Please see https://stripe.com/docs or we " +
                "can help at https://support.stripe.com/.").Body());
            return;
        }

        try
        {
            await next(ctx);
        }
        catch (StripeApiException e)
        {
            await WriteJson(ctx, e.Status, e.Body());
        }
    }

    /// <returns>Stripe's message for a missing or wrong key; null when the key is right.</returns>
    private static string? AuthenticationError(string authorization, string expectedKey)
    {
        string? key = null;
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = authorization[7..].Trim();
        }
        else if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try { key = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim())).Split(':')[0]; }
            catch (FormatException) { key = ""; }
        }
        if (string.IsNullOrEmpty(key))
        {
            return "You did not provide an API key. You need to provide your API key in the Authorization header, " +
                "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See " +
                "https://stripe.com/docs/api#authentication for details, or we can help at " +
                "https://support.stripe.com/.";
        }

        return key == expectedKey ? null : $"Invalid API Key provided: {MaskKey(key)}";
    }

    /// <summary>Like Stripe: keeps the "sk_test_" style prefix and the last four characters, stars in
    /// between.</summary>
    public static string MaskKey(string key)
    {
        var prefixEnd = key.StartsWith("sk_", StringComparison.Ordinal)
            || key.StartsWith("rk_", StringComparison.Ordinal) || key.StartsWith("pk_", StringComparison.Ordinal)
            ? key.IndexOf('_', 3) + 1
            : 0;
        if (prefixEnd <= 0)
        {
            prefixEnd = 0;
        }

        var visibleTail = Math.Min(4, Math.Max(0, key.Length - prefixEnd - 4));
        return key[..prefixEnd] + new string('*', key.Length - prefixEnd - visibleTail) + key[^visibleTail..];
    }

    internal static Task WriteJson(HttpContext ctx, int status, JsonNode body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(body.ToJsonString(FakeStripeJson.Options));
    }
}
