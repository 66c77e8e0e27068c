using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace StripeIntercom.Intercom;

/// <summary>
/// The body of a create or update. Null top-level fields are left out (so an update touches only what is set);
/// a null custom attribute value is sent, which clears it.
/// </summary>
public sealed class IntercomContactWrite
{
    [JsonPropertyName("role")] public string? Role { get; set; }
    [JsonPropertyName("external_id")] public string? ExternalId { get; set; }
    [JsonPropertyName("email")] public string? Email { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("signed_up_at")] public long? SignedUpAt { get; set; }
    [JsonPropertyName("custom_attributes")] public Dictionary<string, object?>? CustomAttributes { get; set; }

    [JsonIgnore]
    public bool IsEmpty => Role == null && ExternalId == null && Email == null && Name == null && SignedUpAt == null
        && (CustomAttributes == null || CustomAttributes.Count == 0);
}
