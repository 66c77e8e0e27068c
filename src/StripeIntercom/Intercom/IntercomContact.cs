using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StripeIntercom.Intercom;

/// <summary>The parts of Intercom's contact object the sync reads.</summary>
public sealed class IntercomContact
{
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("external_id")] public string? ExternalId { get; set; }
    /// <summary>"user" or "lead".</summary>
    [JsonPropertyName("role")] public string? Role { get; set; }
    [JsonPropertyName("email")] public string? Email { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("phone")] public string? Phone { get; set; }
    /// <summary>When Intercom created the contact (Unix seconds on the wire).</summary>
    [JsonPropertyName("created_at")]
    [JsonConverter(typeof(UnixSecondsConverter))]
    public DateTimeOffset CreatedAt { get; set; }
    [JsonPropertyName("updated_at")]
    [JsonConverter(typeof(UnixSecondsConverter))]
    public DateTimeOffset UpdatedAt { get; set; }
    [JsonPropertyName("signed_up_at")]
    [JsonConverter(typeof(NullableUnixSecondsConverter))]
    public DateTimeOffset? SignedUpAt { get; set; }
    [JsonPropertyName("custom_attributes")]
    public IntercomCustomAttributes CustomAttributes { get; set; } = IntercomCustomAttributes.Empty;
    /// <summary>The Intercom ids of the contact's companies as the contact object lists them (up to 10, with the
    /// total).</summary>
    [JsonPropertyName("companies")]
    public IntercomContactCompanies Companies { get; set; } = IntercomContactCompanies.None;

    /// <summary>True for a copy that keeps only who the contact is, not its attributes (see
    /// <see cref="WithoutAttributes"/>).</summary>
    [JsonIgnore] public bool IsIdentityOnly { get; private set; }

    [JsonIgnore] public bool IsUser => Role == "user";

    /// <summary>
    /// A copy without custom attributes: what an index needs to recognise the contact, at a fraction of the memory.
    /// Company ids stay: they are a shared empty list for most contacts and a few ids for the rest.
    /// </summary>
    public IntercomContact WithoutAttributes() => new IntercomContact
    {
        Id = Id,
        ExternalId = ExternalId,
        Role = Role == "user" ? "user" : Role == "lead" ? "lead" : Role, // one string, not one per contact
        Email = Email,
        Name = Name,
        Phone = Phone,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        SignedUpAt = SignedUpAt,
        Companies = Companies,
        IsIdentityOnly = true,
    };
    /// <summary>
    /// The contact as a write left it, without custom attributes (like <see cref="WithoutAttributes"/>): for an
    /// update whose response carries no contact (a bulk job's).
    /// </summary>
    public IntercomContact Applying(IntercomContactWrite write)
    {
        var copy = WithoutAttributes();
        copy.ExternalId = write.ExternalId ?? ExternalId;
        copy.Email = write.Email ?? Email;
        copy.Name = write.Name ?? Name;
        copy.Role = write.Role ?? Role;
        return copy;
    }

    /// <summary>
    /// A copy known to hold none of the sync's attributes (a contact the sync has never linked to a Stripe customer):
    /// diffing it needs no re-read, and keeping it costs no attribute memory.
    /// </summary>
    public IntercomContact WithoutCustomAttributes()
    {
        var copy = WithoutAttributes();
        copy.IsIdentityOnly = false;
        return copy;
    }

    /// <summary>
    /// A contact known only by who it is, and known to hold none of the sync's attributes (it was never linked to a
    /// Stripe customer): what a bulk index keeps of the rest of a big workspace.
    /// </summary>
    public static IntercomContact Unlinked(string id, string role, string? externalId, string? email) =>
        new IntercomContact
        {
            Id = id,
            Role = role,
            ExternalId = externalId,
            Email = email,
        };

    [JsonIgnore] public bool IsLead => Role == "lead";

    public override string ToString() => $"{Id} {Role} {ExternalId} {Email}";
}
