using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>
/// One company as the fake stores it. <see cref="CompanyId"/> is the app's own key and never changes; <see cref="Id"/>
/// is Intercom's. A company without attached contacts exists (it can be fetched) but list and scroll leave it out,
/// as Intercom does.
/// </summary>
public sealed class FakeCompany
{
    /// <summary>Insertion order: lists and scrolls are ordered by it.</summary>
    public long Sequence { get; init; }
    public string Id { get; init; } = "";
    public string CompanyId { get; init; } = "";
    public string? Name { get; set; }
    /// <summary>The plan's name; Intercom answers with a plan object {type, id, name}.</summary>
    public string? Plan { get; set; }
    public long MonthlySpend { get; set; }
    public long? Size { get; set; }
    public string? Website { get; set; }
    public string? Industry { get; set; }
    public long? RemoteCreatedAt { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public Dictionary<string, JsonNode?> CustomAttributes { get; } = new(StringComparer.Ordinal);

    /// <summary>Intercom ids of the contacts attached, in attach order.</summary>
    public List<string> ContactIds { get; } = new();

    /// <summary>Hidden from list and scroll until a contact is attached.</summary>
    public bool IsListed => ContactIds.Count > 0;

    /// <summary>The 2.14 company object. Absent optional values are left out: the description types them as
    /// non-nullable.</summary>
    public JsonObject ToJson(string? planId)
    {
        var custom = new JsonObject();
        foreach (var (key, value) in CustomAttributes)
        {
            custom[key] = value?.DeepClone();
        }

        var json = new JsonObject
        {
            ["type"] = "company",
            ["company_id"] = CompanyId,
            ["id"] = Id,
            ["app_id"] = FakeIntercomState.WorkspaceId,
        };
        if (Name is not null)
        {
            json["name"] = Name;
        }

        if (RemoteCreatedAt is { } remote)
        {
            json["remote_created_at"] = remote;
        }

        json["created_at"] = CreatedAt;
        json["updated_at"] = UpdatedAt;
        json["monthly_spend"] = MonthlySpend;
        json["session_count"] = 0;
        json["user_count"] = ContactIds.Count;
        if (Size is { } size)
        {
            json["size"] = size;
        }

        if (Website is not null)
        {
            json["website"] = Website;
        }

        if (Industry is not null)
        {
            json["industry"] = Industry;
        }

        json["tags"] = new JsonObject { ["type"] = "tag.list", ["tags"] = new JsonArray() };
        json["segments"] = new JsonObject { ["type"] = "segment.list", ["segments"] = new JsonArray() };
        json["plan"] = Plan is null || planId is null
            ? new JsonObject()
            : new JsonObject { ["type"] = "plan", ["id"] = planId, ["name"] = Plan };
        json["custom_attributes"] = custom;
        return json;
    }
}
