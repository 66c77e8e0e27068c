using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static StripeIntercom.Fakes.Intercom.FakeIntercomServer;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>
/// The unauthenticated test surface under /__control, for the Pester tests and the demo that run the fake
/// out of process. Not counted, not rate limited, never faulted.
/// </summary>
internal static class FakeIntercomControl
{
    public static void Map(WebApplication app, FakeIntercomState state, FakeIntercomOptions options)
    {
        app.MapGet("/__control/counters", Handle(_ => Task.FromResult<JsonNode>(state.Counters.ToJson())));

        app.MapPost("/__control/counters/reset", Handle(_ =>
        {
            state.Counters.Reset();
            state.ClearRequestLog();
            return Task.FromResult<JsonNode>(state.Counters.ToJson());
        }));

        app.MapGet("/__control/contacts", Handle(_ =>
        {
            var data = new JsonArray();
            foreach (var contact in state.Contacts.Where(c => !c.MergedInto))
            {
                var json = state.Snapshot(contact);
                json["archived"] = contact.Archived;
                data.Add(json);
            }
            return Task.FromResult<JsonNode>(
                new JsonObject { ["type"] = "list", ["data"] = data, ["total_count"] = data.Count });
        }));

        // Body: one contact {role, external_id, email, name, custom_attributes, archived} or {"contacts": [...]}.
        app.MapPost("/__control/contacts", Handle(async context =>
        {
            var body = await ReadObject(context);
            var seeded = new JsonArray();
            var items = body["contacts"] is JsonArray many ? many.OfType<JsonObject>().ToList() : [body];
            foreach (var item in items)
            {
                seeded.Add(state.Snapshot(state.Seed(item)));
            }

            return new JsonObject { ["type"] = "list", ["data"] = seeded };
        }));

        // Body: {"kind": "500"|"503"|"abort"|"lose_response"|"401"|"429"|"429_no_headers"|"lose_bulk_job", "count": 1,
        // "route": "POST /contacts" (optional), "after": N (optional: let N matching requests through first)}. DELETE
        // clears every armed fault.
        app.MapPost("/__control/faults", Handle(async context =>
        {
            var body = await ReadObject(context);
            var kindText = FakeIntercomState.OptionalString(body, "kind")
                ?? throw FakeIntercomError.Invalid("kind is required", "kind");
            FakeFaultKind kind;
            try { kind = FakeFault.ParseKind(kindText); }
            catch (ArgumentException e) { throw FakeIntercomError.Invalid(e.Message, "kind"); }
            var count = (int)(FakeIntercomState.OptionalLong(body, "count") ?? 1);
            state.ArmFault(kind, count, FakeIntercomState.OptionalString(body, "route"),
                (int)(FakeIntercomState.OptionalLong(body, "after") ?? 0));
            return new JsonObject
            {
                ["armed"] = kind.ToString(),
                ["count"] = count,
                ["route"] = FakeIntercomState.OptionalString(body, "route")
            };
        }));
        app.MapDelete("/__control/faults", Handle(_ =>
        {
            state.ClearFaults();
            return Task.FromResult<JsonNode>(new JsonObject { ["cleared"] = true });
        }));

        // Body: any of {"window_limit", "latency_ms", "latency_jitter_ms", "search_lag_seconds",
        // "max_custom_attributes", "allow_lead_to_user_update", "company_lookup_as_object", "company_scroll_page_size",
        // "company_scroll_expiry_seconds", "max_company_list_depth", "bulk_job_delay_ms", "bulk_job_open_ms",
        // "reject_bulk_items_percent"}; answers with the options now in force.
        app.MapPost("/__control/options", Handle(async context =>
        {
            var body = await ReadObject(context);
            if (FakeIntercomState.OptionalLong(body, "window_limit") is { } limit)
            {
                options.WindowLimit = (int)limit;
            }

            if (FakeIntercomState.OptionalLong(body, "latency_ms") is { } latency)
            {
                options.LatencyMs = (int)latency;
            }

            if (FakeIntercomState.OptionalLong(body, "latency_jitter_ms") is { } jitter)
            {
                options.LatencyJitterMs = (int)jitter;
            }

            if (body["search_lag_seconds"] is JsonValue lag)
            {
                options.SearchLagSeconds = lag.GetValue<double>();
            }

            if (FakeIntercomState.OptionalLong(body, "max_custom_attributes") is { } max)
            {
                options.MaxCustomAttributes = (int)max;
            }

            if (body["allow_lead_to_user_update"] is JsonValue allow)
            {
                options.AllowLeadToUserUpdate = allow.GetValue<bool>();
            }

            if (FakeIntercomState.OptionalLong(body, "synthetic_contacts") is { } synthetic)
            {
                options.SyntheticContacts = (int)synthetic;
            }

            if (body["company_lookup_as_object"] is JsonValue asObject)
            {
                options.CompanyLookupAsObject = asObject.GetValue<bool>();
            }

            if (FakeIntercomState.OptionalLong(body, "company_scroll_page_size") is { } scrollPage)
            {
                options.CompanyScrollPageSize = (int)scrollPage;
            }

            if (body["company_scroll_expiry_seconds"] is JsonValue expiry)
            {
                options.CompanyScrollExpirySeconds = expiry.GetValue<double>();
            }

            if (FakeIntercomState.OptionalLong(body, "max_company_list_depth") is { } depth)
            {
                options.MaxCompanyListDepth = (int)depth;
            }

            if (FakeIntercomState.OptionalLong(body, "bulk_job_delay_ms") is { } bulkDelay)
            {
                options.BulkJobDelayMs = (int)bulkDelay;
            }

            if (FakeIntercomState.OptionalLong(body, "bulk_job_open_ms") is { } bulkOpen)
            {
                options.BulkJobOpenMs = (int)bulkOpen;
            }

            if (FakeIntercomState.OptionalLong(body, "reject_bulk_items_percent") is { } rejectPercent)
            {
                options.RejectBulkItemsPercent = (int)rejectPercent;
            }

            return new JsonObject
            {
                ["window_limit"] = options.WindowLimit,
                ["latency_ms"] = options.LatencyMs,
                ["latency_jitter_ms"] = options.LatencyJitterMs,
                ["search_lag_seconds"] = options.SearchLagSeconds,
                ["max_custom_attributes"] = options.MaxCustomAttributes,
                ["allow_lead_to_user_update"] = options.AllowLeadToUserUpdate,
                ["company_lookup_as_object"] = options.CompanyLookupAsObject,
                ["company_scroll_page_size"] = options.CompanyScrollPageSize,
                ["company_scroll_expiry_seconds"] = options.CompanyScrollExpirySeconds,
                ["max_company_list_depth"] = options.MaxCompanyListDepth,
                ["bulk_job_delay_ms"] = options.BulkJobDelayMs,
                ["bulk_job_open_ms"] = options.BulkJobOpenMs,
                ["reject_bulk_items_percent"] = options.RejectBulkItemsPercent,
            };
        }));

        app.MapPost("/__control/reset", Handle(_ =>
        {
            state.Reset();
            return Task.FromResult<JsonNode>(new JsonObject { ["reset"] = true });
        }));
    }
}
