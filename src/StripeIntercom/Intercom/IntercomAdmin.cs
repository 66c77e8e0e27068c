using System.Text.Json.Serialization;

namespace StripeIntercom.Intercom;

/// <summary>The admin behind the access token (GET /me) and its workspace.</summary>
public sealed class IntercomAdmin
{
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("email")] public string? Email { get; set; }
    [JsonPropertyName("app")] public IntercomWorkspace? Workspace { get; set; }
}

public sealed class IntercomWorkspace
{
    [JsonPropertyName("id_code")] public string? Id { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("region")] public string? Region { get; set; }
}
