using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Intercom;

namespace StripeIntercom.Bulk;

/// <summary>
/// Finds what a finished bulk create did, since Intercom returns no ids: one search for the batch's external_ids
/// (external_id IN [...], a page holds a whole batch), repeated while search lags behind a job that created
/// everything, then a lookup by external_id (which does not lag) for each one still not found. What is found holds
/// the external_id, whoever made it; what is not was not created.
/// </summary>
internal sealed class BulkCreateReconciler
{
    private readonly IntercomClient _client;
    private readonly BulkWriteOptions _options;

    public BulkCreateReconciler(IntercomClient client, BulkWriteOptions options)
    {
        _client = client;
        _options = options;
    }

    /// <param name="allCreated">
    /// The job ended Completed: every item was created, so a missing one is search lag.
    /// </param>
    /// <returns>The contacts found, by external_id.</returns>
    public async Task<Dictionary<string, IntercomContact>> FindCreatedAsync(IReadOnlyList<IntercomContactWrite> writes,
        bool allCreated, CancellationToken cancellationToken)
    {
        var wanted = writes.Select(w => w.ExternalId!).Distinct(StringComparer.Ordinal).ToList();
        var found = new Dictionary<string, IntercomContact>(StringComparer.Ordinal);
        var waited = TimeSpan.Zero;
        var delay = _options.SearchDelay;
        while (true)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            waited += delay;
            await SearchAsync(wanted.Where(id => !found.ContainsKey(id)).ToList(), found, cancellationToken)
                .ConfigureAwait(false);
            if (!allCreated || found.Count == wanted.Count || waited >= _options.SearchLag)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, (_options.SearchLag - waited).Ticks));
        }

        foreach (var externalId in wanted.Where(id => !found.ContainsKey(id)).ToList())
        {
            if (await _client.FindContactByExternalIdAsync(externalId, cancellationToken).ConfigureAwait(false)
                is IntercomContact contact)
            {
                found[externalId] = contact;
            }
        }

        return found;
    }

    private async Task SearchAsync(IReadOnlyList<string> externalIds, Dictionary<string, IntercomContact> found,
        CancellationToken cancellationToken)
    {
        if (externalIds.Count == 0)
        {
            return;
        }

        var query = IntercomSearchQuery.Field("external_id", "IN", externalIds);
        string? cursor = null;
        do
        {
            var page = await _client.SearchContactsAsync(query, IntercomClient.MaxPageSize, cursor, cancellationToken)
                .ConfigureAwait(false);
            foreach (var contact in page.Contacts)
            {
                if (contact.ExternalId != null && externalIds.Contains(contact.ExternalId))
                {
                    found[contact.ExternalId] = contact;
                }
            }

            cursor = page.NextCursor;
        } while (cursor != null);
    }
}
