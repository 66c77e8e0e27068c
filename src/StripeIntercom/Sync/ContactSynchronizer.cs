using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StripeIntercom.Bulk;
using StripeIntercom.Intercom;
using StripeIntercom.Stripe;

namespace StripeIntercom.Sync;

/// <summary>
/// Makes one Intercom user per Stripe customer hold what the customer's draft says, writing only what differs.
/// Safe to call concurrently.
/// <para>
/// Identity is resolved without ever creating a duplicate (<see cref="ContactLookup"/> finds the candidates): the
/// user with external_id = customer id; else the single contact with the same email and no external_id (a lead is
/// converted to a user by the update); else a create, where a 409 names the contact to adopt. When several contacts
/// could be the customer, nothing is written and the result is a Conflict listing them.
/// </para>
/// </summary>
public sealed class ContactSynchronizer
{
    private readonly IntercomClient _client;
    private readonly AttributeMap _map;
    private readonly SyncOptions _options;
    private readonly ILogger _logger;
    private readonly ContactLookup _lookup;
    private readonly KeyedGate _emailGate = new KeyedGate(StringComparer.OrdinalIgnoreCase);

    public ContactSynchronizer(
        IntercomClient client, AttributeMap map, SyncOptions? options = null, ILogger? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _map = map ?? throw new ArgumentNullException(nameof(map));
        _options = options ?? new SyncOptions();
        _logger = logger ?? NullLogger.Instance;
        AttributeInitializer = new DataAttributeInitializer(client, _logger);
        _lookup = new ContactLookup(client, _options.LookupMode, map.LinkAttributeName, _options.MergeLeads, _logger);
    }

    /// <summary>
    /// Finds the Stripe customers with an email (in any case) as drafts: those Stripe's email filter returns, and those
    /// of the given ids that have the email; so customers sharing one email can be settled. Without it, a contact
    /// carrying another customer is a conflict. <see cref="Runs.CustomerSync"/> sets it.
    /// </summary>
    public Func<string, IReadOnlyCollection<string>, CancellationToken,
        Task<IReadOnlyList<ContactDraft>>>? FindCustomersSharingEmail
    { get; set; }

    /// <summary>
    /// Where creates and updates go in bulk (<see cref="ContactWriteMode"/>); null: one request each. The
    /// <see cref="Runs.SyncJob"/> sets it.
    /// </summary>
    public BulkContactWriter? BulkWrites { get; set; }

    public AttributeMap Map => _map;
    public SyncOptions Options => _options;
    public DataAttributeInitializer AttributeInitializer { get; }

    /// <summary>Per-customer lookup calls made (find_by_external_id and email searches).</summary>
    public int LookupsSpent => _lookup.LookupsSpent;

    /// <summary>True once every contact has been read into the index.</summary>
    public bool IsIndexComplete => _lookup.IsIndexComplete;

    /// <summary>
    /// What Intercom should hold for this profile. Synchronous on purpose: computed attributes may be PowerShell
    /// scriptblocks that must run on the pipeline thread.
    /// </summary>
    public ContactDraft BuildDraft(CustomerProfile profile)
    {
        if (profile == null)
        {
            throw new ArgumentNullException(nameof(profile));
        }

        var key = _options.ExternalIdMetadataKey ?? _map.ExternalIdMetadataKey;
        var externalId = key != null && profile.Metadata.TryGetValue(key, out var appUserId) ? appUserId : null;
        return new ContactDraft(profile.Id, profile.Email, profile.Name, _map.Evaluate(profile), externalId)
        {
            Deleted = profile.Deleted,
            Rank = CustomerRank.Of(profile),
        };
    }

    /// <summary>
    /// Creates or updates the customer's contact. Failures are returned as <see cref="SyncAction.Failed"/>, except the
    /// ones that stop the whole run (<see cref="RunStoppingError"/>: a rejected token, an open circuit, an overall
    /// timeout) and cancellation, which are thrown. Work for one email is serialised, so customers sharing an email
    /// settle on one contact whatever the order or concurrency.
    /// </summary>
    public async Task<SyncResult> SyncAsync(ContactDraft draft, CancellationToken cancellationToken = default)
    {
        if (draft == null)
        {
            throw new ArgumentNullException(nameof(draft));
        }

        var result = new SyncResult { CustomerId = draft.CustomerId, Email = draft.Email, WhatIf = _options.WhatIf };
        using var serialised = draft.Email == null
            ? null
            : await _emailGate.EnterAsync(draft.Email, cancellationToken).ConfigureAwait(false);
        try
        {
            if (draft.Deleted)
            {
                await SyncDeletedAsync(draft, result, cancellationToken).ConfigureAwait(false);
                return result;
            }

            var match = await _lookup.ResolveAsync(draft, cancellationToken).ConfigureAwait(false);
            var carried = match.Contact == null ? null : _lookup.LinkOf(match.Contact);
            if (match.SharedEmail != null || (carried != null && carried != draft.CustomerId)
                || ListsOtherCustomers(match.Contact))
            {
                await SyncSharedEmailAsync(draft, match, result, cancellationToken).ConfigureAwait(false);
            }
            else if (match.Candidates != null)
            {
                MarkConflict(result, draft, match.Candidates);
            }
            else if (match.Contact == null)
            {
                await CreateUnlessASiblingHasOneAsync(draft, result, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await UpdateAsync(match.Contact, draft, match.MatchedBy, result, cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        catch (Exception e) when (RunStoppingError.FailsOnlyItsItem(e, cancellationToken))
        {
            result.Action = SyncAction.Failed;
            result.Exception = e;
            result.Error = Describe(draft, e);
            _logger.LogWarning("{Error}", result.Error);
        }
        _logger.LogDebug("{CustomerId} {Action} {ContactId} by {MatchedBy}",
            result.CustomerId, result.Action, result.ContactId, result.MatchedBy);
        return result;
    }

    public Task<SyncResult> SyncAsync(CustomerProfile profile, CancellationToken cancellationToken = default) =>
        SyncAsync(BuildDraft(profile), cancellationToken);

    /// <summary>
    /// A deleted customer never gets a new contact. Its existing one (found by external_id only: Stripe keeps no
    /// email for a deleted customer) is marked, archived or left alone as
    /// <see cref="SyncOptions.DeletedCustomerAction"/> says.
    /// </summary>
    private async Task SyncDeletedAsync(ContactDraft draft, SyncResult result, CancellationToken cancellationToken)
    {
        if (_options.DeletedCustomerAction == DeletedCustomerAction.Ignore)
        {
            result.Action = SyncAction.Skipped;
            result.Error = $"Stripe customer {draft.CustomerId} was deleted; " +
                           "left alone (DeletedCustomerAction Ignore).";
            return;
        }

        var match = await _lookup.ResolveAsync(draft, cancellationToken).ConfigureAwait(false);
        var carries = match.Contact == null ? null : _lookup.LinkOf(match.Contact);
        if (match.Contact == null
            || (match.MatchedBy != ContactMatchedBy.ExternalId && match.MatchedBy != ContactMatchedBy.Link)
            || (carries != null && carries != draft.CustomerId))
        {
            result.Action = SyncAction.Skipped;
            result.Error = $"Stripe customer {draft.CustomerId} was deleted and has no Intercom contact; " +
                           "none is created.";
            return;
        }

        if (_options.DeletedCustomerAction == DeletedCustomerAction.Mark)
        {
            await UpdateAsync(match.Contact, draft, match.MatchedBy, result, cancellationToken).ConfigureAwait(false);
            return;
        }

        result.ContactId = match.Contact.Id;
        result.Action = SyncAction.Archived;
        if (_options.WhatIf)
        {
            return;
        }

        using var turn = await OneByOneAsync(cancellationToken).ConfigureAwait(false);
        await _client.ArchiveContactAsync(match.Contact.Id, cancellationToken).ConfigureAwait(false);
        _lookup.Remove(match.Contact.Id);
    }

    /// <summary>
    /// Search lags: a contact another run made a moment ago for a Stripe customer sharing this email is not found by
    /// email yet. So before a per-customer lookup's create, Stripe is asked for those customers (one call) and Intercom
    /// for their contacts by external_id, which is a lookup, not a search. A complete bulk index lists them already.
    /// </summary>
    private async Task CreateUnlessASiblingHasOneAsync(
        ContactDraft draft, SyncResult result, CancellationToken cancellationToken)
    {
        if (_lookup.IsIndexComplete || FindCustomersSharingEmail == null || draft.Email == null)
        {
            await CreateAsync(draft, result, cancellationToken).ConfigureAwait(false);
            return;
        }

        var found = await FindCustomersSharingEmail(draft.Email, Array.Empty<string>(), cancellationToken)
            .ConfigureAwait(false);
        var holders = new List<IntercomContact>();
        foreach (var sibling in found.Where(d => d.CustomerId != draft.CustomerId && !d.Deleted))
        {
            if (await _lookup.FindUserByExternalIdAsync(sibling.ExternalId, cancellationToken).ConfigureAwait(false)
                is IntercomContact contact)
            {
                holders.Add(contact);
            }
        }

        if (holders.Count == 0)
        {
            await CreateAsync(draft, result, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await SyncSharedEmailAsync(draft, ContactMatch.Shared(holders), result, cancellationToken, found)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Several Stripe customers may share an email (people re-subscribe and a second customer is made): they get one
    /// contact, which carries the customer that ranks best (<see cref="CustomerRank"/>) and lists the others. Every
    /// sibling's sync writes the same thing, so the result does not depend on which is read first, and a re-run writes
    /// nothing. A contact carrying a customer that no longer has this email (deleted, or changed its email) is adopted.
    /// </summary>
    /// <param name="customersWithEmail">The customers with the email, when the caller has read them already.</param>
    private async Task SyncSharedEmailAsync(
        ContactDraft draft, ContactMatch match, SyncResult result, CancellationToken cancellationToken,
        IReadOnlyList<ContactDraft>? customersWithEmail = null)
    {
        if (FindCustomersSharingEmail == null || draft.Email == null)
        {
            var holders = match.SharedEmail ?? new[] { match.Contact! };
            MarkConflict(result, draft, holders.Select(c => c.Id).ToList());
            result.Error += " The contact carries another Stripe customer.";
            return;
        }

        var candidates = (match.SharedEmail ?? Array.Empty<IntercomContact>())
            .Concat(match.Contact == null ? Array.Empty<IntercomContact>() : new[] { match.Contact })
            .ToList();
        // Stripe's email filter is case-sensitive: the customers the contacts carry and list are asked for by id, so a
        // sibling whose email differs only in case is not forgotten, and the contact does not flip between runs.
        var named = candidates.SelectMany(c => OtherCustomersOf(c).Append(_lookup.LinkOf(c)))
            .Where(id => id != null && id != draft.CustomerId)
            .Select(id => id!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var found = customersWithEmail != null && named.All(id => customersWithEmail.Any(d => d.CustomerId == id))
            ? customersWithEmail
            : await FindCustomersSharingEmail(draft.Email, named, cancellationToken).ConfigureAwait(false);
        var siblings = found.Where(d => d.CustomerId != draft.CustomerId && !d.Deleted).Append(draft).ToList();
        var siblingIds = new HashSet<string>(siblings.Select(d => d.CustomerId), StringComparer.Ordinal);
        var winner = siblings.OrderBy(d => d.Rank).First();
        var others = siblings.Where(d => d.CustomerId != winner.CustomerId).Select(d => d.CustomerId).ToList();

        // The group's contact: the one carrying the winner, else one carrying a sibling, else the one found.
        var contact = candidates.FirstOrDefault(c => _lookup.LinkOf(c) == winner.CustomerId)
            ?? candidates.FirstOrDefault(c => _lookup.LinkOf(c) is string link && siblingIds.Contains(link))
            ?? match.Contact;
        var foreign = candidates
            .Where(c => c != contact && _lookup.LinkOf(c) is string link && !siblingIds.Contains(link))
            .ToList();
        if (contact == null && foreign.Count == 1)
        {
            contact = foreign[0];
        }
        else if (contact == null && foreign.Count > 1)
        {
            MarkConflict(result, draft, foreign.Select(c => c.Id).ToList());
            return;
        }

        var settled = winner.WithOtherCustomers(_map.OtherCustomersAttributeName, others);
        if (contact == null)
        {
            await CreateAsync(settled, result, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await UpdateAsync(
                await _lookup.WithAttributesAsync(contact, cancellationToken).ConfigureAwait(false),
                settled, ContactMatchedBy.Sibling, result, cancellationToken).ConfigureAwait(false);
        }

        result.CustomerId = draft.CustomerId;
        result.Email = draft.Email;
        if (winner.CustomerId != draft.CustomerId)
        {
            result.MatchedBy = ContactMatchedBy.Sibling;
            result.Note =
                "Stripe customers " +
                $"{string.Join(", ", siblings.Select(d => d.CustomerId).OrderBy(id => id, StringComparer.Ordinal))} " +
                $"share the email {draft.Email}; the contact carries {winner.CustomerId}, which ranks best.";
        }
    }

    private bool ListsOtherCustomers(IntercomContact? contact) => contact != null && OtherCustomersOf(contact).Any();

    /// <summary>The Stripe customers the contact lists besides the one it carries (empty when its attributes were not
    /// read).</summary>
    private IEnumerable<string> OtherCustomersOf(IntercomContact contact) =>
        _map.OtherCustomersAttributeName is string name
        && contact.CustomAttributes.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries).Select(id => id.Trim())
            : Enumerable.Empty<string>();

    // ---- writes ----

    private async Task CreateAsync(ContactDraft draft, SyncResult result, CancellationToken cancellationToken)
    {
        var write = new IntercomContactWrite
        {
            Role = draft.Role,
            ExternalId = draft.ExternalId,
            Email = draft.Email,
            Name = draft.Name,
            CustomAttributes = CustomAttributeWrites.ForCreate(draft.CustomAttributes),
        };
        var changes = new List<AttributeChange>
        {
            new AttributeChange("role", null, draft.Role),
            new AttributeChange("external_id", null, draft.ExternalId)
        };
        if (draft.Email != null)
        {
            changes.Add(new AttributeChange("email", null, draft.Email));
        }

        if (draft.Name != null)
        {
            changes.Add(new AttributeChange("name", null, draft.Name));
        }

        changes.AddRange(write.CustomAttributes.Select(p => new AttributeChange(p.Key, null, p.Value)));
        result.Changes = changes;
        result.Action = SyncAction.Created;
        result.MatchedBy = ContactMatchedBy.Created;
        if (_options.WhatIf)
        {
            return;
        }

        await EnsureAttributesAsync(draft, cancellationToken).ConfigureAwait(false);
        if (BulkWrites != null && draft.ExternalId != null)
        {
            var outcome = await BulkWrites.CreateAsync(write, cancellationToken).ConfigureAwait(false);
            if (outcome.Contact is IntercomContact made)
            {
                await SettleBulkCreateAsync(made, draft, result, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (outcome.Created)
            {
                // Made as written by a job that created every item; its id was not looked up (no later phase needs
                // it), so the result carries none.
                return;
            }
        }

        // One by one: the per-contact mode, or a create the bulk job did not make (rejected, or below Auto's
        // threshold); a contact that appeared meanwhile answers 409 and is adopted below.
        using var turn = await OneByOneAsync(cancellationToken).ConfigureAwait(false);
        IntercomContact created;
        try
        {
            created = await _client.CreateContactAsync(write, cancellationToken).ConfigureAwait(false);
        }
        catch (IntercomConflictException conflict) when (conflict.ExistingContactId != null)
        {
            // A create whose response was lost, or a contact that appeared since the lookup (search lags): adopt it
            // by the same rules as a lookup, never make a second one.
            var existing = await _client.GetContactAsync(conflict.ExistingContactId, cancellationToken)
                .ConfigureAwait(false);
            var carries = _lookup.LinkOf(existing);
            var matchedBy = existing.ExternalId == draft.ExternalId ? ContactMatchedBy.ExternalId
                : carries == draft.CustomerId ? ContactMatchedBy.Link
                : carries == null && existing.IsUser
                    && string.Equals(existing.Email, draft.Email, StringComparison.OrdinalIgnoreCase)
                    && existing.ExternalId == null ? ContactMatchedBy.Email
                : ContactMatchedBy.None;
            if (matchedBy == ContactMatchedBy.None)
            {
                MarkConflict(result, draft, new[] { existing.Id });
                result.Error += $" Intercom refused the create: contact {existing.Id} " +
                                $"(external_id {existing.ExternalId ?? "(none)"}) holds these details.";
                return;
            }
            turn?.Dispose(); // the update takes its own turn
            await UpdateAsync(existing, draft, matchedBy, result, cancellationToken).ConfigureAwait(false);
            return;
        }
        _lookup.RecordOwnWrite(created, draft.CustomerId);
        result.ContactId = created.Id;
    }

    /// <summary>
    /// A bulk create's contact, found by its external_id after the job: made by the job when it holds what was
    /// written, else made by another writer first, which is then brought to Stripe's values like any found contact.
    /// </summary>
    private async Task SettleBulkCreateAsync(IntercomContact found, ContactDraft draft, SyncResult result,
        CancellationToken cancellationToken)
    {
        if (Diff(found, draft, ownsIdentity: true).Changes.Count > 0)
        {
            await UpdateAsync(found, draft, ContactMatchedBy.ExternalId, result, cancellationToken)
                .ConfigureAwait(false);
            return;
        }

        _lookup.RecordOwnWrite(found, draft.CustomerId);
        result.ContactId = found.Id;
    }

    /// <param name="matchedBy">
    /// How the contact was found. Only a contact the sync made for this customer (external_id = customer id) gets its
    /// email and name written; one the app made (its own user id, or adopted by email) keeps them, so the app and the
    /// sync never write the same field back and forth.
    /// </param>
    private async Task UpdateAsync(
        IntercomContact contact, ContactDraft draft, ContactMatchedBy matchedBy, SyncResult result,
        CancellationToken cancellationToken)
    {
        var ownsIdentity = contact.ExternalId == draft.CustomerId || matchedBy == ContactMatchedBy.Lead;
        var (write, changes) = Diff(contact, draft, ownsIdentity);
        result.ContactId = contact.Id;
        result.ContactCompanies = contact.Companies;
        result.Changes = changes;
        result.MatchedBy = matchedBy;
        if (changes.Count == 0 && !_options.Force)
        {
            result.Action = SyncAction.Unchanged;
            _lookup.RecordChecked(contact);
            return;
        }
        if (_options.Force)
        {
            write = FullWrite(contact, draft, ownsIdentity);
        }

        result.Action = SyncAction.Updated;
        if (_options.WhatIf)
        {
            return;
        }

        await EnsureAttributesAsync(draft, cancellationToken).ConfigureAwait(false);
        if (BulkWrites != null
            && await BulkWrites.UpdateAsync(contact.Id, write, cancellationToken).ConfigureAwait(false))
        {
            _lookup.RecordOwnWrite(contact.Applying(write), DraftLink(draft));
            return;
        }

        using var turn = await OneByOneAsync(cancellationToken).ConfigureAwait(false);
        IntercomContact updated;
        try
        {
            updated = await _client.UpdateContactAsync(contact.Id, write, cancellationToken).ConfigureAwait(false);
        }
        catch (IntercomApiException refused) when (contact.IsLead && write.Role != null && refused.Field == "role"
            && (refused.StatusCode == HttpStatusCode.BadRequest || (int)refused.StatusCode == 422))
        {
            // The workspace will not turn this lead into a user by an update: create the user and merge the lead
            // into it, which is the documented way (from must be a lead, into a user) and keeps the lead's history.
            updated = await ConvertLeadByMergeAsync(contact, draft, cancellationToken).ConfigureAwait(false);
            result.ContactId = updated.Id;
        }
        _lookup.RecordOwnWrite(updated, DraftLink(draft));
    }

    /// <summary>
    /// A turn for a write made one by one while the run writes in bulk (it keeps many more customers in flight than
    /// calls at a time); none without bulk writes, where the runner's throttle limit already bounds the calls.
    /// </summary>
    private async Task<IDisposable?> OneByOneAsync(CancellationToken cancellationToken) =>
        BulkWrites == null ? null : await BulkWrites.OneByOneAsync(cancellationToken).ConfigureAwait(false);

    private string? DraftLink(ContactDraft draft) =>
        draft.CustomAttributes.TryGetValue(_map.LinkAttributeName, out var link) ? link as string : null;

    private async Task<IntercomContact> ConvertLeadByMergeAsync(
        IntercomContact lead, ContactDraft draft, CancellationToken cancellationToken)
    {
        var user = await _client.CreateContactAsync(new IntercomContactWrite
        {
            Role = draft.Role,
            ExternalId = draft.ExternalId,
            Email = draft.Email,
            Name = draft.Name,
            CustomAttributes = CustomAttributeWrites.ForCreate(draft.CustomAttributes),
        }, cancellationToken).ConfigureAwait(false);
        _lookup.RecordOwnWrite(user, draft.CustomerId);
        var merged = await _client.MergeContactsAsync(lead.Id, user.Id, cancellationToken).ConfigureAwait(false);
        _lookup.Remove(lead.Id);
        _logger.LogInformation("Merged lead {LeadId} into new user {UserId} for customer {CustomerId}",
            lead.Id, merged.Id, draft.CustomerId);
        return merged;
    }

    /// <summary>The fields that differ, as a minimal update and as a report. An adopted contact keeps its identity
    /// fields.</summary>
    private static (IntercomContactWrite Write, List<AttributeChange> Changes) Diff(
        IntercomContact contact, ContactDraft draft, bool ownsIdentity)
    {
        var write = new IntercomContactWrite();
        var changes = new List<AttributeChange>();
        if (contact.Role != draft.Role)
        {
            // A lead becomes a user by an update (update_contact_request accepts role); where a workspace refuses,
            // UpdateAsync falls back to creating the user and merging the lead into it.
            write.Role = draft.Role;
            changes.Add(new AttributeChange("role", contact.Role, draft.Role));
        }
        if (ownsIdentity && contact.ExternalId != draft.ExternalId)
        {
            write.ExternalId = draft.ExternalId;
            changes.Add(new AttributeChange("external_id", contact.ExternalId, draft.ExternalId));
        }
        if (ownsIdentity && draft.Email != null
            && !string.Equals(contact.Email, draft.Email, StringComparison.OrdinalIgnoreCase))
        {
            write.Email = draft.Email;
            changes.Add(new AttributeChange("email", contact.Email, draft.Email));
        }
        if (ownsIdentity && draft.Name != null && !string.Equals(contact.Name, draft.Name, StringComparison.Ordinal))
        {
            write.Name = draft.Name;
            changes.Add(new AttributeChange("name", contact.Name, draft.Name));
        }
        write.CustomAttributes =
            CustomAttributeWrites.Changed(contact.CustomAttributes, draft.CustomAttributes, changes);
        return (write, changes);
    }

    private static IntercomContactWrite FullWrite(IntercomContact contact, ContactDraft draft, bool ownsIdentity) =>
        new IntercomContactWrite
        {
            Role = draft.Role,
            ExternalId = ownsIdentity ? draft.ExternalId : null,
            Email = ownsIdentity ? draft.Email : null,
            Name = ownsIdentity ? draft.Name : null,
            CustomAttributes = CustomAttributeWrites.ForFullWrite(contact.CustomAttributes, draft.CustomAttributes),
        };

    private Task EnsureAttributesAsync(ContactDraft draft, CancellationToken cancellationToken) =>
        !_options.InitializeAttributes || _options.WhatIf
            ? Task.CompletedTask
            : AttributeInitializer.EnsureBeforeWriteAsync(_map, draft.CustomAttributes, cancellationToken);

    private static void MarkConflict(SyncResult result, ContactDraft draft, IReadOnlyList<string> candidates)
    {
        result.Action = SyncAction.Conflict;
        result.Candidates = candidates;
        result.Changes = Array.Empty<AttributeChange>();
        result.Error = $"Customer {draft.CustomerId}: {candidates.Count} Intercom contact(s) could be this customer " +
                       $"(email {draft.Email ?? "(none)"}): {string.Join(", ", candidates)}. Nothing was written.";
    }

    private static string Describe(ContactDraft draft, Exception e) =>
        FailureDescription.Of($"Customer {draft.CustomerId}", e);
}
