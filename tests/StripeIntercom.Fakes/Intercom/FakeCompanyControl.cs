using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static StripeIntercom.Fakes.Intercom.FakeIntercomServer;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>
/// /__control/companies: seeds "the app's existing companies with their users" and reads every company back,
/// hidden ones included. Like the rest of /__control: unauthenticated, not counted, never faulted.
/// </summary>
internal static class FakeCompanyControl
{
    public static void Map(WebApplication app, FakeIntercomState state)
    {
        // Each company as the API shows it, plus contact_ids and whether list and scroll show it.
        app.MapGet("/__control/companies", Handle(_ =>
        {
            var data = new JsonArray();
            foreach (var company in state.Companies)
            {
                var json = state.Snapshot(company);
                json["contact_ids"] = new JsonArray(state.ContactIdsOf(company).Select(id => (JsonNode?)id).ToArray());
                json["listed"] = company.IsListed;
                data.Add(json);
            }
            return Task.FromResult<JsonNode>(
                new JsonObject { ["type"] = "list", ["data"] = data, ["total_count"] = data.Count });
        }));

        // Body: one company {company_id, name, plan, monthly_spend, custom_attributes, contact_ids, external_ids} or
        // {"companies": [...]}.
        app.MapPost("/__control/companies", Handle(async context =>
        {
            var body = await ReadObject(context);
            var seeded = new JsonArray();
            var items = body["companies"] is JsonArray many ? many.OfType<JsonObject>().ToList() : [body];
            foreach (var item in items)
            {
                seeded.Add(state.Snapshot(state.SeedCompany(item)));
            }

            return new JsonObject { ["type"] = "list", ["data"] = seeded };
        }));
    }
}
