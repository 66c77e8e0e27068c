using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace StripeIntercom.Intercom;

/// <summary>
/// The body of POST /companies, which creates the company with this <see cref="CompanyId"/> or updates it. Null
/// top-level fields are left out (an update touches only what is set); a null custom attribute value is sent,
/// which clears it. Custom attributes must exist as data attributes of model "company".
/// </summary>
public sealed class IntercomCompanyWrite
{
    /// <summary>The app's key for the company: required, and it can never change.</summary>
    [JsonPropertyName("company_id")] public string CompanyId { get; set; } = "";
    [JsonPropertyName("name")] public string? Name { get; set; }
    /// <summary>The plan's name.</summary>
    [JsonPropertyName("plan")] public string? Plan { get; set; }
    /// <summary>Whole units, at most 2,147,483,647: Intercom would truncate a fraction, so none is sent.</summary>
    [JsonPropertyName("monthly_spend")] public long? MonthlySpend { get; set; }
    [JsonPropertyName("size")] public long? Size { get; set; }
    [JsonPropertyName("website")] public string? Website { get; set; }
    [JsonPropertyName("industry")] public string? Industry { get; set; }
    [JsonPropertyName("remote_created_at")] public long? RemoteCreatedAt { get; set; }
    [JsonPropertyName("custom_attributes")] public Dictionary<string, object?>? CustomAttributes { get; set; }
}
