using System;
using System.Text.Json.Serialization;

namespace StripeIntercom.Incremental;

/// <summary>
/// Where an interrupted full sync can resume. Stripe lists customers newest first, so the next
/// run passes <see cref="LastCustomerId"/> as <c>starting_after</c> and carries on from there.
/// </summary>
public sealed class FullSyncCheckpoint
{
    [JsonPropertyName("inProgress")]
    public bool InProgress { get; set; }

    /// <summary>The last customer whose sync finished; everything newer is already done.</summary>
    [JsonPropertyName("lastCustomerId")]
    public string? LastCustomerId { get; set; }

    /// <summary>
    /// When <see cref="LastCustomerId"/> was created (Unix seconds): where the listing restarts if that customer is
    /// deleted before the run resumes, since Stripe refuses a deleted customer as starting_after.
    /// </summary>
    [JsonPropertyName("lastCustomerCreated")]
    public long? LastCustomerCreated { get; set; }

    [JsonPropertyName("customersDone")]
    public long CustomersDone { get; set; }

    [JsonPropertyName("startedAt")]
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>
    /// The event cursor captured just before the full sync began. It becomes the state's cursor
    /// once the full sync completes, so changes made while the full sync ran are still picked up
    /// by the next incremental run.
    /// </summary>
    [JsonPropertyName("cursorAtStart")]
    public EventCursor? CursorAtStart { get; set; }
}
