using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static StripeIntercom.Fakes.Intercom.FakeIntercomServer;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>The Intercom 2.14 company endpoints the fake serves, and a contact's company attachments.</summary>
internal static class FakeCompanyApi
{
    public static void Map(WebApplication app, FakeIntercomState state)
    {
        app.MapPost("/companies",
            Handle(async context => state.Snapshot(state.UpsertCompany(await ReadObject(context)))));

        // One company by company_id or name, or a page of the listed companies (the fake has no tags or segments).
        app.MapGet("/companies", Handle(context =>
        {
            var query = context.Request.Query;
            if (query["company_id"].FirstOrDefault() is { } companyId)
            {
                return Task.FromResult<JsonNode>(state.CompanyLookup(state.FindCompanyByCompanyId(companyId)));
            }

            if (query["name"].FirstOrDefault() is { } name)
            {
                return Task.FromResult<JsonNode>(state.CompanyLookup(state.FindCompanyByName(name)));
            }

            if (query.ContainsKey("tag_id") || query.ContainsKey("segment_id"))
            {
                return Task.FromResult<JsonNode>(new JsonObject
                {
                    ["type"] = "list",
                    ["data"] = new JsonArray(),
                    ["total_count"] = 0,
                    ["pages"]
                    = new JsonObject
                    {
                        ["type"] = "pages",
                        ["page"] = 1,
                        ["per_page"] = FakeIntercomState.DefaultCompaniesPerPage,
                        ["total_pages"] = 0
                    },
                });
            }

            return Task.FromResult<JsonNode>(
                state.ListCompanies(Int(context, "page", 1),
                Int(context, "per_page", FakeIntercomState.DefaultCompaniesPerPage)));
        }));

        app.MapPost("/companies/list", Handle(context =>
        {
            var order = context.Request.Query["order"].FirstOrDefault() ?? "desc";
            if (order is not ("asc" or "desc"))
            {
                throw FakeIntercomError.Invalid("order must be asc or desc", "order");
            }

            return Task.FromResult<JsonNode>(
                state.ListCompanies(Int(context, "page", 1),
                Int(context, "per_page", FakeIntercomState.DefaultCompaniesPerPage), order == "asc"));
        }));

        app.MapGet("/companies/scroll", Handle(context =>
            Task.FromResult<JsonNode>(state.ScrollCompanies(context.Request.Query["scroll_param"].FirstOrDefault()))));

        app.MapGet("/companies/{id}", Handle(context =>
            Task.FromResult<JsonNode>(state.Snapshot(state.GetCompany((string)context.Request.RouteValues["id"]!)))));

        app.MapPost("/contacts/{id}/companies", Handle(async context =>
            state.Snapshot(
                state.AttachContact((string)context.Request.RouteValues["id"]!, await ReadObject(context)))));

        app.MapGet("/contacts/{id}/companies", Handle(context =>
            Task.FromResult<JsonNode>(
                state.ContactCompanies((string)context.Request.RouteValues["id"]!, Int(context, "page", 1)))));

        app.MapDelete("/contacts/{id}/companies/{company_id}", Handle(context =>
            Task.FromResult<JsonNode>(state.Snapshot(state.DetachContact(
                (string)context.Request.RouteValues["id"]!, (string)context.Request.RouteValues["company_id"]!)))));
    }

    private static int Int(HttpContext context, string name, int fallback)
    {
        var text = context.Request.Query[name].FirstOrDefault();
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw FakeIntercomError.Invalid($"{name} must be an integer", name);
    }
}
