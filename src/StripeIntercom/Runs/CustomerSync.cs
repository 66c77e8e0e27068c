using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Companies;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>
/// One customer's sync as every caller runs it (the cmdlets, the webhook listener, the benchmark): a profile becomes
/// a draft and the draft a contact; a customer id is first re-read from Stripe, so an event's stale snapshot never
/// becomes a write. Safe to call concurrently.
/// </summary>
public sealed class CustomerSync
{
    private readonly Func<CustomerProfile, CancellationToken, Task<ContactDraft>> _buildDraft;

    /// <param name="stripe">Where customer ids are re-read; null when only profiles are synced.</param>
    /// <param name="buildDraft">
    /// How a profile becomes a draft; <see cref="ContactSynchronizer.BuildDraft"/> by default. PowerShell passes one
    /// that runs on its pipeline thread, because computed attributes are scriptblocks.
    /// </param>
    public CustomerSync(ContactSynchronizer synchronizer, StripeCustomerReader? stripe = null,
        Func<CustomerProfile, CancellationToken, Task<ContactDraft>>? buildDraft = null)
    {
        Synchronizer = synchronizer ?? throw new ArgumentNullException(nameof(synchronizer));
        Stripe = stripe;
        _buildDraft = buildDraft ?? ((profile, _) => Task.FromResult(synchronizer.BuildDraft(profile)));
        if (stripe != null && synchronizer.FindCustomersSharingEmail == null)
        {
            synchronizer.FindCustomersSharingEmail = FindCustomersSharingEmailAsync;
        }
    }

    public ContactSynchronizer Synchronizer { get; }

    /// <summary>Where each customer's company contribution and contact go for the run's company phase; null without
    /// company sync.</summary>
    public CompanyCollector? Companies { get; private set; }

    /// <summary>The same sync, also feeding <paramref name="collector"/>: one per run, so concurrent runs keep
    /// apart.</summary>
    public CustomerSync WithCompanies(CompanyCollector? collector) => collector == null && Companies == null ? this :
        new CustomerSync(Synchronizer, Stripe, _buildDraft) { Companies = collector };

    /// <summary>Where customer ids are re-read; null when only profiles are synced.</summary>
    public StripeCustomerReader? Stripe { get; }

    /// <summary>The draft, or a Failed result naming the customer when its attributes cannot be computed.</summary>
    public async Task<(ContactDraft? Draft, SyncResult? Failure)> BuildDraftAsync(CustomerProfile profile,
        CancellationToken cancellationToken)
    {
        try
        {
            var draft = await _buildDraft(profile, cancellationToken).ConfigureAwait(false);
            Companies?.Observe(profile);
            return (draft, null);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException))
        {
            return (null, Failed(profile.Id, profile.Email, ex, "computing its attributes"));
        }
    }

    public async Task<SyncResult> SyncAsync(CustomerProfile profile, CancellationToken cancellationToken)
    {
        using var scope = CustomerScope.Begin(profile.Id);
        var (draft, failure) = await BuildDraftAsync(profile, cancellationToken).ConfigureAwait(false);
        return failure ?? await SyncAsync(draft!, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SyncResult> SyncAsync(ContactDraft draft, CancellationToken cancellationToken)
    {
        using var scope = CustomerScope.Begin(draft.CustomerId);
        var result = await Synchronizer.SyncAsync(draft, cancellationToken).ConfigureAwait(false);
        Companies?.ObserveContact(result);
        return result;
    }

    /// <summary>
    /// Re-reads the customer and syncs what Stripe holds now. An id Stripe does not know is Skipped with a
    /// <see cref="CustomerNotFoundException"/>; a failed read fails this customer only, unless it stops the run.
    /// </summary>
    public async Task<SyncResult> SyncByIdAsync(string customerId, CancellationToken cancellationToken)
    {
        if (Stripe == null)
        {
            throw new InvalidOperationException("This CustomerSync has no Stripe reader to re-read customers with.");
        }

        using var scope = CustomerScope.Begin(customerId);
        CustomerProfile? profile;
        try
        {
            profile = await Stripe.GetAsync(customerId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RunStoppingError.FailsOnlyItsItem(ex, cancellationToken))
        {
            return Failed(customerId, null, ex, "reading it from Stripe");
        }

        if (profile == null)
        {
            var missing = new CustomerNotFoundException(customerId);
            return new SyncResult
            {
                CustomerId = customerId,
                Action = SyncAction.Skipped,
                Error = missing.Message,
                Exception = missing
            };
        }

        return await SyncAsync(profile, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The Stripe customers with this email in any case, as drafts. Stripe's email filter is exact and case-sensitive:
    /// the email as given and its lower-case form are asked (one customers call each; one when they are the same),
    /// then each named customer not found that way is read by id and kept if its email matches ignoring case.
    /// </summary>
    private async Task<IReadOnlyList<ContactDraft>> FindCustomersSharingEmailAsync(
        string email, IReadOnlyCollection<string> namedIds, CancellationToken cancellationToken)
    {
        var drafts = new List<ContactDraft>();
        var lower = email.ToLowerInvariant();
        foreach (var form in lower == email ? new[] { email } : new[] { email, lower })
        {
            var profiles = Stripe!.ReadAsync(new CustomerQuery { Email = form }, cancellationToken)
                               .GetAsyncEnumerator(cancellationToken);
            try
            {
                while (await profiles.MoveNextAsync().ConfigureAwait(false))
                {
                    if (drafts.Any(d => d.CustomerId == profiles.Current.Id))
                    {
                        continue;
                    }

                    drafts.Add(await _buildDraft(profiles.Current, cancellationToken).ConfigureAwait(false));
                }
            }
            finally
            {
                await profiles.DisposeAsync().ConfigureAwait(false);
            }
        }

        foreach (var id in namedIds.Where(id => drafts.All(d => d.CustomerId != id)))
        {
            var profile = await Stripe!.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (profile != null && !profile.Deleted
                && string.Equals(profile.Email, email, StringComparison.OrdinalIgnoreCase))
            {
                drafts.Add(await _buildDraft(profile, cancellationToken).ConfigureAwait(false));
            }
        }

        return drafts;
    }

    internal static SyncResult Failed(string customerId, string? email, Exception error, string stage) => new SyncResult
    {
        CustomerId = customerId,
        Email = email,
        Action = SyncAction.Failed,
        Error = $"Stripe customer {customerId} failed while {stage}: {error.Message}",
        Exception = error,
    };
}
