using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static StripeIntercom.Fakes.Intercom.FakeIntercomServer;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>Intercom 2.14 data events: POST /events (202, no body) and a contact's events (GET /events).</summary>
internal static class FakeDataEventApi
{
    public static void Map(WebApplication app, FakeIntercomState state)
    {
        app.MapPost("/events", async context =>
        {
            try
            {
                state.AddDataEvent(await ReadObject(context));
            }
            catch (FakeIntercomError e)
            {
                await Write(context, e.Status, e.ToJson());
                return;
            }

            context.Response.StatusCode = 202;
        });

        app.MapGet("/events", Handle(context =>
        {
            var query = context.Request.Query;
            if (query["type"].FirstOrDefault() != "user")
            {
                throw FakeIntercomError.Invalid("type must be user", "type");
            }

            var perPage = 50;
            if (query["per_page"].FirstOrDefault() is { } perPageText
                && !int.TryParse(perPageText, NumberStyles.Integer, CultureInfo.InvariantCulture, out perPage))
            {
                throw FakeIntercomError.Invalid("per_page must be an integer", "per_page");
            }

            return Task.FromResult<JsonNode>(state.ListDataEvents(query["intercom_user_id"].FirstOrDefault(),
                query["user_id"].FirstOrDefault(), query["email"].FirstOrDefault(), perPage,
                query["before"].FirstOrDefault()));
        }));

        app.MapGet("/__control/events", Handle(_ => Task.FromResult<JsonNode>(state.DataEventsJson())));
    }
}
