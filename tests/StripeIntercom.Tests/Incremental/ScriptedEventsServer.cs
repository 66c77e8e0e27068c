using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Stripe;
using StripeIntercom.Fakes;

namespace StripeIntercom.Tests.Incremental;

/// <summary>Serves a fixed list of events at /v1/events in Stripe's list shape, newest first, and records each
/// query.</summary>
internal sealed class ScriptedEventsServer : IAsyncDisposable
{
    private readonly List<JsonObject> _newestFirst;
    private WebApplication? _app;

    private ScriptedEventsServer(IEnumerable<JsonObject> events)
    {
        _newestFirst = events.OrderByDescending(e => (long)e["created"]!).ToList();
    }

    public ConcurrentQueue<IQueryCollection> Queries { get; } = new();

    /// <summary>Makes an event visible now, in its place by creation time (as a late-visible Stripe event
    /// is).</summary>
    public void Add(JsonObject stripeEvent)
    {
        lock (_newestFirst)
        {
            _newestFirst.Add(stripeEvent);
            _newestFirst.Sort((a, b) => ((long)b["created"]!).CompareTo((long)a["created"]!));
        }
    }
    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<ScriptedEventsServer> StartAsync(params JsonObject[] events)
    {
        var server = new ScriptedEventsServer(events);
        (server._app, server.BaseUrl) = await LoopbackServer.StartAsync(app => app.MapGet("/v1/events", server.List));
        return server;
    }

    public StripeClient CreateClient() => new(new StripeClientOptions
    {
        ApiKey = "sk_test_feed",
        ApiBase = BaseUrl.ToString().TrimEnd('/'),
        HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0),
    });

    private IResult List(HttpRequest request)
    {
        Queries.Enqueue(request.Query);
        IEnumerable<JsonObject> matching;
        lock (_newestFirst)
        {
            matching = _newestFirst.ToList();
        }

        if (long.TryParse(request.Query["created[gte]"], out var gte))
        {
            matching = matching.Where(e => (long)e["created"]! >= gte);
        }

        if (long.TryParse(request.Query["created[gt]"], out var gt))
        {
            matching = matching.Where(e => (long)e["created"]! > gt);
        }

        var after = (string?)request.Query["starting_after"];
        if (!string.IsNullOrEmpty(after))
        {
            matching = matching.SkipWhile(e => (string)e["id"]! != after).Skip(1);
        }

        var limit = int.TryParse(request.Query["limit"], out var l) ? l : 10;
        var all = matching.ToList();
        var page = all.Take(limit).ToList();
        var body = new JsonObject
        {
            ["object"] = "list",
            ["url"] = "/v1/events",
            ["has_more"] = all.Count > page.Count,
            ["data"] = new JsonArray(page.Select(e => (JsonNode)e.DeepClone()).ToArray()),
        };
        return Results.Text(body.ToJsonString(), "application/json");
    }

    public static JsonObject Event(string id, string type, long created, JsonObject dataObject) => new()
    {
        ["id"] = id,
        ["object"] = "event",
        ["api_version"] = "2026-10-28.endive",
        ["created"] = created,
        ["livemode"] = false,
        ["pending_webhooks"] = 0,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["type"] = type,
        ["data"] = new JsonObject { ["object"] = dataObject },
    };

    public static JsonObject Customer(string id) => new() { ["id"] = id, ["object"] = "customer" };

    public static JsonObject Owned(string objectType, string id, string? customer) =>
        new() { ["id"] = id, ["object"] = objectType, ["customer"] = customer };

    public async ValueTask DisposeAsync()
    {
        if (_app != null)
        {
            await _app.DisposeAsync();
        }
    }
}
