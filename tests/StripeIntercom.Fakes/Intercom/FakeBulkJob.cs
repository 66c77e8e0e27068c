using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>Which Preview bulk endpoints a job belongs to: its id is read back under that family only.</summary>
public enum FakeBulkJobKind
{
    Contacts,
    Companies,
}

/// <summary>
/// A Preview bulk job (contacts.bulk.job or companies.bulk.job): tasks appended while it is open, each processed
/// after a delay. Its state follows its tasks. Guarded by the state's lock.
/// </summary>
public sealed class FakeBulkJob
{
    public required string Id { get; init; }
    public required FakeBulkJobKind Kind { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; set; }
    public List<FakeBulkTask> Tasks { get; } = new();

    /// <summary>Appends are refused (403) from this moment: the open window after the last task was added.</summary>
    public DateTimeOffset OpenUntil { get; set; }

    public string Type => Kind == FakeBulkJobKind.Contacts ? "contacts.bulk.job" : "companies.bulk.job";
    public string Path => (Kind == FakeBulkJobKind.Contacts ? "contacts" : "companies") + "/bulk/" + Id;

    /// <summary>pending until a task starts, running while any task is unfinished, then completed or
    /// completed_with_errors. A lost task never finishes, so its job never does either.</summary>
    public string State
    {
        get
        {
            if (Tasks.All(t => t.State == "pending"))
            {
                return "pending";
            }

            if (Tasks.Any(t => t.State is "pending" or "running"))
            {
                return "running";
            }

            return Tasks.Any(t => t.State == "completed_with_errors") ? "completed_with_errors" : "completed";
        }
    }

    public long? CompletedAt => State is "completed" or "completed_with_errors"
        ? Tasks.Max(t => t.CompletedAt)
        : null;

    /// <summary>The job as the Preview API shows it: no per-item results.</summary>
    public JsonObject ToJson(Uri? baseUrl)
    {
        var tasks = new JsonArray();
        foreach (var task in Tasks)
        {
            tasks.Add(new JsonObject
            {
                ["id"] = task.Id,
                ["item_count"] = task.Items.Count,
                ["state"] = task.State,
                ["created_at"] = task.CreatedAt,
                ["started_at"] = task.StartedAt,
                ["completed_at"] = task.CompletedAt,
            });
        }

        return new JsonObject
        {
            ["id"] = Id,
            ["type"] = Type,
            ["state"] = State,
            ["created_at"] = CreatedAt,
            ["updated_at"] = UpdatedAt,
            ["completed_at"] = CompletedAt,
            ["tasks"] = tasks,
            ["url"] = baseUrl is null ? "https://api.intercom.io/" + Path : new Uri(baseUrl, Path).ToString(),
        };
    }

    /// <summary>For /__control/bulk/jobs: the API's view plus every item's operation and outcome.</summary>
    public JsonObject ToControlJson()
    {
        var json = ToJson(null);
        var tasks = (JsonArray)json["tasks"]!;
        for (var i = 0; i < Tasks.Count; i++)
        {
            var task = Tasks[i];
            var items = new JsonArray();
            foreach (var item in task.Items)
            {
                items.Add(item.ToJson());
            }

            var taskJson = (JsonObject)tasks[i]!;
            taskJson["operation"] = task.Operation;
            taskJson["lost"] = task.Lost;
            taskJson["items"] = items;
        }

        json["open"] = DateTimeOffset.UtcNow < OpenUntil;
        return json;
    }
}

/// <summary>One request's items within a job: "create" (POST /contacts/bulk), "update" (PUT /contacts/bulk) or
/// "upsert" (POST /companies/bulk).</summary>
public sealed class FakeBulkTask
{
    public required string Id { get; init; }
    public required string Operation { get; init; }
    public long CreatedAt { get; init; }
    public long? StartedAt { get; set; }
    public long? CompletedAt { get; set; }
    public string State { get; set; } = "pending";

    /// <summary>Accepted and then never processed (the LoseBulkJob fault).</summary>
    public bool Lost { get; init; }

    public List<FakeBulkItem> Items { get; } = new();
}

/// <summary>One item and what became of it; the real API reports none of this.</summary>
public sealed class FakeBulkItem
{
    public required int Index { get; init; }
    public required JsonObject Body { get; init; }

    /// <summary>pending, created, updated or rejected.</summary>
    public string Outcome { get; set; } = "pending";

    /// <summary>The contact's or company's Intercom id once applied.</summary>
    public string? ResultId { get; set; }

    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public string? ErrorField { get; set; }

    /// <summary>Fields the Preview description says are ignored for this operation, or that the fake does not
    /// model (tags, avatar, a create's companies...).</summary>
    public List<string> IgnoredFields { get; } = new();

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["index"] = Index,
            ["outcome"] = Outcome,
            ["id"] = ResultId,
            ["body"] = Body.DeepClone(),
            ["ignored_fields"] = new JsonArray(IgnoredFields.Select(f => (JsonNode?)f).ToArray()),
        };
        if (ErrorCode is not null)
        {
            json["error"] = new JsonObject
            {
                ["code"] = ErrorCode,
                ["message"] = ErrorMessage,
                ["field"] = ErrorField,
            };
        }

        return json;
    }
}
