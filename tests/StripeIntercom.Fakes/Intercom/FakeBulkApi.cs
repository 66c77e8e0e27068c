using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static StripeIntercom.Fakes.Intercom.FakeIntercomServer;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>
/// Intercom's Preview bulk writes: POST /contacts/bulk (strict create), PUT /contacts/bulk (update by id),
/// POST /companies/bulk (create or update by company_id), each answered 202 with its job, and the job reads. Only
/// under Intercom-Version: Preview; the rest of the fake is 2.14. /__control/bulk/jobs shows each item's outcome,
/// which the real API never reports.
/// </summary>
internal static class FakeBulkApi
{
    /// <summary>Set on a request by the LoseBulkJob fault: its task is accepted and never processed.</summary>
    public const string LoseTaskKey = "fake.lose_bulk_task";

    public const string PreviewVersion = "Preview";

    public static bool IsBulkWrite(string route) =>
        route is "POST /contacts/bulk" or "PUT /contacts/bulk" or "POST /companies/bulk";

    public static void Map(WebApplication app, FakeIntercomState state)
    {
        app.MapPost("/contacts/bulk", Submit(state, FakeBulkJobKind.Contacts, "create"));
        app.MapPut("/contacts/bulk", Submit(state, FakeBulkJobKind.Contacts, "update"));
        app.MapPost("/companies/bulk", Submit(state, FakeBulkJobKind.Companies, "upsert"));

        app.MapGet("/contacts/bulk/{id}", Handle(context =>
        {
            RequirePreview(context, state);
            return Task.FromResult<JsonNode>(state.GetBulkJob(FakeBulkJobKind.Contacts,
                (string)context.Request.RouteValues["id"]!, BaseUrl(context)));
        }));
        app.MapGet("/companies/bulk/{id}", Handle(context =>
        {
            RequirePreview(context, state);
            return Task.FromResult<JsonNode>(state.GetBulkJob(FakeBulkJobKind.Companies,
                (string)context.Request.RouteValues["id"]!, BaseUrl(context)));
        }));

        app.MapGet("/__control/bulk/jobs", Handle(_ => Task.FromResult<JsonNode>(state.BulkJobsJson())));
    }

    private static RequestDelegate Submit(FakeIntercomState state, FakeBulkJobKind kind, string operation) =>
        async context =>
        {
            JsonObject job;
            try
            {
                RequirePreview(context, state);
                var lose = context.Items.ContainsKey(LoseTaskKey);
                job = state.SubmitBulk(kind, operation, await ReadObject(context), lose, BaseUrl(context));
            }
            catch (FakeIntercomError e)
            {
                await Write(context, e.Status, e.ToJson());
                return;
            }

            await Write(context, 202, job);
        };

    /// <summary>Under 2.14 Intercom has no bulk routes: the fake says so, naming the version asked for.</summary>
    private static void RequirePreview(HttpContext context, FakeIntercomState state)
    {
        var version = context.Request.Headers["Intercom-Version"].FirstOrDefault();
        if (version != PreviewVersion || state.RefusesPreview)
        {
            throw new FakeIntercomError(400, "intercom_version_invalid",
                $"{context.Request.Method} {context.Request.Path} is only in the Preview API version, not in " +
                $"Intercom-Version {version ?? "(none)"}; send Intercom-Version: {PreviewVersion}",
                "Intercom-Version");
        }
    }

    private static Uri BaseUrl(HttpContext context) => new($"{context.Request.Scheme}://{context.Request.Host}/");
}
