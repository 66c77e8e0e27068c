using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StripeIntercom.Intercom;

/// <summary>Where a Preview bulk job or one of its tasks stands.</summary>
[JsonConverter(typeof(IntercomBulkJobStateConverter))]
public enum IntercomBulkJobState
{
    Pending,
    Running,
    Completed,
    /// <summary>Done, and at least one item was rejected; Intercom does not say which.</summary>
    CompletedWithErrors,
}

/// <summary>
/// A Preview bulk job (contacts.bulk.job or companies.bulk.job), as the bulk writes answer and the job reads return.
/// It carries no per-item results and no ids of created contacts.
/// </summary>
public sealed class IntercomBulkJob
{
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    /// <summary>contacts.bulk.job or companies.bulk.job.</summary>
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("state")] public IntercomBulkJobState State { get; set; }

    [JsonPropertyName("created_at"), JsonConverter(typeof(UnixSecondsConverter))]
    public DateTimeOffset CreatedAt { get; set; }

    [JsonPropertyName("updated_at"), JsonConverter(typeof(UnixSecondsConverter))]
    public DateTimeOffset UpdatedAt { get; set; }

    [JsonPropertyName("completed_at"), JsonConverter(typeof(NullableUnixSecondsConverter))]
    public DateTimeOffset? CompletedAt { get; set; }

    [JsonPropertyName("tasks")] public List<IntercomBulkTask> Tasks { get; set; } = new List<IntercomBulkTask>();
    [JsonPropertyName("url")] public string? Url { get; set; }

    /// <summary>Completed or CompletedWithErrors. A job still open for appends can start running again.</summary>
    [JsonIgnore]
    public bool IsFinished =>
        State == IntercomBulkJobState.Completed || State == IntercomBulkJobState.CompletedWithErrors;
}

/// <summary>One request's items within a bulk job.</summary>
public sealed class IntercomBulkTask
{
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("item_count")] public int ItemCount { get; set; }
    [JsonPropertyName("state")] public IntercomBulkJobState State { get; set; }

    [JsonPropertyName("created_at"), JsonConverter(typeof(UnixSecondsConverter))]
    public DateTimeOffset CreatedAt { get; set; }

    [JsonPropertyName("started_at"), JsonConverter(typeof(NullableUnixSecondsConverter))]
    public DateTimeOffset? StartedAt { get; set; }

    [JsonPropertyName("completed_at"), JsonConverter(typeof(NullableUnixSecondsConverter))]
    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>pending, running, completed, completed_with_errors; any other state is not a job the client can
/// reason about, so it fails the read.</summary>
internal sealed class IntercomBulkJobStateConverter : JsonConverter<IntercomBulkJobState>
{
    public override IntercomBulkJobState Read(ref Utf8JsonReader reader, Type typeToConvert,
        JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        switch (text)
        {
            case "pending": return IntercomBulkJobState.Pending;
            case "running": return IntercomBulkJobState.Running;
            case "completed": return IntercomBulkJobState.Completed;
            case "completed_with_errors": return IntercomBulkJobState.CompletedWithErrors;
            default: throw new JsonException($"Unknown bulk job state '{text ?? reader.TokenType.ToString()}'.");
        }
    }

    public override void Write(Utf8JsonWriter writer, IntercomBulkJobState value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case IntercomBulkJobState.Pending: writer.WriteStringValue("pending"); break;
            case IntercomBulkJobState.Running: writer.WriteStringValue("running"); break;
            case IntercomBulkJobState.Completed: writer.WriteStringValue("completed"); break;
            default: writer.WriteStringValue("completed_with_errors"); break;
        }
    }
}
