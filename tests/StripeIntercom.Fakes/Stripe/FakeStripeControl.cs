using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>
/// Test and demo controls under /__control (no auth, not counted, never rate limited or faulted):
/// counters, fault injection, settings, and customer changes that emit Stripe events.
/// </summary>
internal static class FakeStripeControl
{
    public static void Map(IEndpointRouteBuilder app, FakeStripeState state)
    {
        app.MapGet("/__control/counters", ctx => FakeStripeServer.WriteJson(ctx, 200, Counters(state)));
        app.MapPost("/__control/counters/reset", ctx =>
        {
            state.Counters.Reset();
            return FakeStripeServer.WriteJson(ctx, 200, Counters(state));
        });

        // {count, status?: 500|503|..., reset?: true (abort the connection), route?: "GET /v1/customers"}
        app.MapPost("/__control/faults", async ctx =>
        {
            var body = await Body(ctx);
            state.Faults.Inject((int?)body["count"] ?? 1, (int?)body["status"] ?? 500, (bool?)body["reset"] ?? false,
                (string?)body["route"]);
            await FakeStripeServer.WriteJson(ctx, 200, new JsonObject { ["pending"] = state.Faults.Pending });
        });
        app.MapDelete("/__control/faults", ctx =>
        {
            state.Faults.Clear();
            return FakeStripeServer.WriteJson(ctx, 200, new JsonObject { ["pending"] = 0 });
        });

        // {requests_per_second?, latency_ms?}
        app.MapPost("/__control/settings", async ctx =>
        {
            var body = await Body(ctx);
            if ((int?)body["requests_per_second"] is { } rps)
            {
                state.Options.RequestsPerSecond = rps;
            }

            if ((int?)body["latency_ms"] is { } latency)
            {
                state.Options.LatencyMs = latency;
            }

            await FakeStripeServer.WriteJson(ctx, 200, new JsonObject
            {
                ["requests_per_second"] = state.Options.RequestsPerSecond,
                ["latency_ms"] = state.Options.LatencyMs,
            });
        });

        app.MapGet("/__control/customers/{id}", ctx => Guarded(ctx, () => state.RawCustomer(Id(ctx))));

        // {email?, name?, description?, balance?, subscription_status?, price?, quantity?}
        app.MapPost("/__control/customers", async ctx =>
        {
            var change = FakeCustomerChange.FromJson(await Body(ctx));
            await Guarded(ctx, () => state.RawCustomer(state.CreateCustomer(change).Id));
        });

        // {email?, name?, description?, balance?, subscription?, subscription_status?, cancel_at_period_end?, price?,
        // quantity?, late_events?, metadata?}
        app.MapPost("/__control/customers/{id}/change", async ctx =>
        {
            var change = FakeCustomerChange.FromJson(await Body(ctx));
            await Guarded(ctx, () => new JsonObject
            {
                ["id"] = Id(ctx),
                ["events"] = new JsonArray(state.ChangeCustomer(Id(ctx), change).Select(t => (JsonNode)t).ToArray()),
            });
        });
        // {amount?} -> {"charge", "events"}: refunds the customer's charge (one is made if it has none).
        app.MapPost("/__control/customers/{id}/refund", async ctx =>
        {
            var body = await Body(ctx);
            await Guarded(ctx, () => ChargeChange(state.RefundCharge(Id(ctx), (long?)body["amount"])));
        });
        // {reason?} -> {"charge", "dispute", "events"}: disputes the customer's charge (one is made if it has none).
        app.MapPost("/__control/customers/{id}/dispute", async ctx =>
        {
            var body = await Body(ctx);
            await Guarded(ctx, () =>
                ChargeChange(state.OpenDispute(Id(ctx), (string?)body["reason"] ?? "fraudulent")));
        });
        app.MapPost("/__control/customers/{id}/trial_will_end", ctx => Guarded(ctx, () => new JsonObject
        {
            ["id"] = Id(ctx),
            ["events"] = Types(state.TrialWillEnd(Id(ctx))),
        }));
        app.MapPost("/__control/events/reveal", ctx =>
            FakeStripeServer.WriteJson(ctx, 200, new JsonObject { ["revealed"] = state.RevealLateEvents() }));
        app.MapPost("/__control/customers/{id}/delete", ctx => Guarded(ctx, () =>
        {
            state.DeleteCustomer(Id(ctx));
            return new JsonObject { ["id"] = Id(ctx), ["deleted"] = true };
        }));

        // {seed} -> {"changed": [ids]}: every live customer's plan, seats and status (see ChangeAllPlans).
        app.MapPost("/__control/change-all-plans", async ctx =>
        {
            var body = await Body(ctx);
            var changed = state.ChangeAllPlans((int?)body["seed"] ?? 1);
            await FakeStripeServer.WriteJson(ctx, 200,
                new JsonObject { ["changed"] = new JsonArray(changed.Select(id => (JsonNode)id).ToArray()) });
        });

        // {count, seed} -> {"changed": [ids]}
        app.MapPost("/__control/change-random", async ctx =>
        {
            var body = await Body(ctx);
            var changed = state.ChangeRandom((int?)body["count"] ?? 1, (int?)body["seed"] ?? 1);
            await FakeStripeServer.WriteJson(ctx, 200,
                new JsonObject { ["changed"] = new JsonArray(changed.Select(id => (JsonNode)id).ToArray()) });
        });
    }

    private static JsonObject Counters(FakeStripeState state)
    {
        var routes = new JsonObject();
        foreach (var (route, count) in state.Counters.Snapshot())
        {
            routes[route] = count;
        }

        return new JsonObject { ["total"] = state.Counters.Total, ["routes"] = routes };
    }

    private static JsonObject ChargeChange(FakeChargeChange change)
    {
        var node = new JsonObject { ["charge"] = change.ChargeId };
        if (change.DisputeId is not null)
        {
            node["dispute"] = change.DisputeId;
        }

        node["events"] = Types(change.Events);
        return node;
    }

    private static JsonArray Types(IEnumerable<string> types) => new(types.Select(t => (JsonNode)t).ToArray());

    private static string Id(HttpContext ctx) => (string)ctx.Request.RouteValues["id"]!;

    private static async Task<JsonObject> Body(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var text = await reader.ReadToEndAsync();
        return string.IsNullOrWhiteSpace(text) ? new JsonObject() : JsonNode.Parse(text)!.AsObject();
    }

    private static Task Guarded(HttpContext ctx, Func<JsonObject> action)
    {
        try { return FakeStripeServer.WriteJson(ctx, 200, action()); }
        catch (StripeApiException e) { return FakeStripeServer.WriteJson(ctx, e.Status, e.Body()); }
    }
}
