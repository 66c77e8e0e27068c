using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static StripeIntercom.Fakes.Intercom.FakeIntercomServer;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>The Intercom 2.14 endpoints the fake serves.</summary>
internal static class FakeIntercomApi
{
    public static void Map(WebApplication app, FakeIntercomState state)
    {
        app.MapGet("/me", Handle(_ => Task.FromResult<JsonNode>(new JsonObject
        {
            ["type"] = "admin",
            ["id"] = "991267459",
            ["email"] = "admin@fake-intercom.test",
            ["name"] = "Fake Admin",
            ["email_verified"] = true,
            ["app"] = new JsonObject
            {
                ["type"] = "app",
                ["id_code"] = FakeIntercomState.WorkspaceId,
                ["name"] = "Fake Workspace",
                ["created_at"] = 1734537243,
                ["secure"] = false,
                ["identity_verification"] = false,
                ["timezone"] = "UTC",
                ["region"] = "US",
            },
            ["avatar"] = new JsonObject { ["type"] = "avatar", ["image_url"] = null },
            ["has_inbox_seat"] = true,
        })));

        app.MapGet("/contacts", Handle(context =>
        {
            var perPageText = context.Request.Query["per_page"].FirstOrDefault();
            var perPage = 50;
            if (perPageText is not null
                && !int.TryParse(perPageText, NumberStyles.Integer, CultureInfo.InvariantCulture, out perPage))
            {
                throw FakeIntercomError.Invalid("per_page must be an integer", "per_page");
            }

            return Task.FromResult<JsonNode>(
                state.ListContacts(perPage, context.Request.Query["starting_after"].FirstOrDefault()));
        }));

        app.MapGet("/contacts/{id}", Handle(context =>
            Task.FromResult<JsonNode>(state.Snapshot(state.GetContact((string)context.Request.RouteValues["id"]!)))));

        app.MapGet("/contacts/find_by_external_id/{external_id}", Handle(context =>
            Task.FromResult<JsonNode>(
                state.Snapshot(state.FindByExternalId((string)context.Request.RouteValues["external_id"]!)))));

        app.MapPost("/contacts",
            Handle(async context => state.Snapshot(state.CreateContact(await ReadObject(context)))));

        app.MapPut("/contacts/{id}", Handle(async context =>
            state.Snapshot(
                state.UpdateContact((string)context.Request.RouteValues["id"]!, await ReadObject(context)))));

        app.MapPost("/contacts/search", Handle(async context => state.Search(await ReadObject(context))));

        app.MapPost("/contacts/merge", Handle(async context => state.Snapshot(state.Merge(await ReadObject(context)))));

        app.MapPost("/contacts/{id}/archive", Handle(context =>
        {
            var contact = state.Archive((string)context.Request.RouteValues["id"]!);
            return Task.FromResult<JsonNode>(new JsonObject
            {
                ["id"] = contact.Id,
                ["external_id"] = contact.ExternalId,
                ["type"] = "contact",
                ["archived"] = true,
            });
        }));

        app.MapGet("/data_attributes", Handle(context =>
            Task.FromResult<JsonNode>(state.ListDataAttributes(context.Request.Query["model"].FirstOrDefault()))));

        app.MapPost("/data_attributes",
            Handle(async context => state.CreateDataAttribute(await ReadObject(context)).ToJson()));
    }
}
