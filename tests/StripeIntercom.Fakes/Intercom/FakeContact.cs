using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>One contact as the fake stores it.</summary>
public sealed class FakeContact
{
    /// <summary>Insertion order; list cursors point at it so pages stay stable while contacts are added.</summary>
    public long Sequence { get; init; }
    public string Id { get; init; } = "";
    public string Role { get; set; } = "user";
    public string? ExternalId { get => _externalId; set { _externalId = value; Store?.Reindex(this); } }
    public string? Email { get => _email; set { _email = value; Store?.Reindex(this); } }
    public string? Name { get; set; }
    public string? Phone { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? SignedUpAt { get; set; }
    public bool Archived { get; set; }
    /// <summary>Merged away: gone from every API view, kept only for the control surface.</summary>
    public bool MergedInto { get; set; }
    public DateTimeOffset SearchableFrom { get; set; }
    public Dictionary<string, JsonNode?> CustomAttributes { get; } = new(StringComparer.Ordinal);

    /// <summary>Intercom ids of the companies the contact is attached to, in attach order.</summary>
    public List<string> CompanyIds { get; } = new();

    /// <summary>
    /// The state that stores this contact and indexes it by external_id and email. The setters are public and tests
    /// hold live contacts, so every change goes through the index rather than only the state's own writes.
    /// </summary>
    internal FakeIntercomState? Store { get; set; }
    private string? _externalId;
    private string? _email;

    public bool IsUser => Role == "user";
    public bool IsVisible => !Archived && !MergedInto;

    /// <summary>The 2.14 contact object.</summary>
    public JsonObject ToJson()
    {
        var custom = new JsonObject();
        foreach (var (key, value) in CustomAttributes)
        {
            custom[key] = value?.DeepClone();
        }

        return new JsonObject
        {
            ["type"] = "contact",
            ["id"] = Id,
            ["workspace_id"] = FakeIntercomState.WorkspaceId,
            ["external_id"] = ExternalId,
            ["role"] = Role,
            ["email"] = Email,
            ["email_domain"] = Email is { } e && e.Contains('@') ? e[(e.IndexOf('@') + 1)..] : null,
            ["phone"] = Phone,
            ["name"] = Name,
            ["avatar"] = null,
            ["owner_id"] = null,
            ["social_profiles"] = new JsonObject { ["type"] = "list", ["data"] = new JsonArray() },
            ["has_hard_bounced"] = false,
            ["marked_email_as_spam"] = false,
            ["unsubscribed_from_emails"] = false,
            ["created_at"] = CreatedAt,
            ["updated_at"] = UpdatedAt,
            ["signed_up_at"] = SignedUpAt,
            ["last_seen_at"] = null,
            ["last_replied_at"] = null,
            ["last_contacted_at"] = null,
            ["last_email_opened_at"] = null,
            ["last_email_clicked_at"] = null,
            ["language_override"] = null,
            ["browser"] = null,
            ["os"] = null,
            ["custom_attributes"] = custom,
            ["tags"] = ListRef("tags"),
            ["notes"] = ListRef("notes"),
            ["companies"] = Companies(),
            ["location"]
            = new JsonObject { ["type"] = "location", ["country"] = null, ["region"] = null, ["city"] = null },
        };
    }

    /// <summary>Intercom lists up to 10 of a contact's companies in the contact object; the url leads to all of
    /// them.</summary>
    private JsonObject Companies()
    {
        var data = new JsonArray();
        foreach (var id in CompanyIds.Take(MaxCompaniesShown))
        {
            data.Add(
                new JsonObject
                {
                    ["type"] = "company",
                    ["id"] = id,
                    ["url"] = $"https://api.intercom.io/companies/{id}"
                });
        }

        var companies = ListRef("companies");
        companies["data"] = data;
        companies["total_count"] = CompanyIds.Count;
        companies["has_more"] = CompanyIds.Count > MaxCompaniesShown;
        return companies;
    }

    private const int MaxCompaniesShown = 10;

    private JsonObject ListRef(string what) => new()
    {
        ["type"] = "list",
        ["data"] = new JsonArray(),
        // Real Intercom answers with a path here; the published description says "uri", so the fake gives a whole URL.
        ["url"] = $"https://api.intercom.io/contacts/{Id}/{what}",
        ["total_count"] = 0,
        ["has_more"] = false,
    };
}
