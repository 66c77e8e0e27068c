using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Companies;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs
{
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
            if (stripe != null && synchronizer.FindCustomersByEmail == null)
            {
                synchronizer.FindCustomersByEmail = FindCustomersByEmailAsync;
            }
        }

        public ContactSynchronizer Synchronizer { get; }

        /// <summary>Where each customer's company contribution and contact go for the run's company phase; null without company sync.</summary>
        public CompanyCollector? Companies { get; private set; }

        /// <summary>The same sync, also feeding <paramref name="collector"/>: one per run, so concurrent runs keep apart.</summary>
        public CustomerSync WithCompanies(CompanyCollector? collector) => collector == null && Companies == null ? this :
            new CustomerSync(Synchronizer, Stripe, _buildDraft) { Companies = collector };

        /// <summary>Where customer ids are re-read; null when only profiles are synced.</summary>
        public StripeCustomerReader? Stripe { get; }

        /// <summary>The draft, or a Failed result naming the customer when its attributes cannot be computed.</summary>
        public async Task<(ContactDraft? Draft, SyncResult? Failure)> BuildDraftAsync(CustomerProfile profile, CancellationToken cancellationToken)
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
            if (Stripe == null) throw new InvalidOperationException("This CustomerSync has no Stripe reader to re-read customers with.");
            using var scope = CustomerScope.Begin(customerId);
            CustomerProfile? profile;
            try
            {
                profile = await Stripe.GetAsync(customerId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!RunStoppingError.Is(ex) && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                return Failed(customerId, null, ex, "reading it from Stripe");
            }

            if (profile == null)
            {
                var missing = new CustomerNotFoundException(customerId);
                return new SyncResult { CustomerId = customerId, Action = SyncAction.Skipped, Error = missing.Message, Exception = missing };
            }

            return await SyncAsync(profile, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The live Stripe customers with this exact email, as drafts: one customers call (Stripe filters by email).</summary>
        private async Task<IReadOnlyList<ContactDraft>> FindCustomersByEmailAsync(string email, CancellationToken cancellationToken)
        {
            var drafts = new List<ContactDraft>();
            var profiles = Stripe!.ReadAsync(new CustomerQuery { Email = email }, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (await profiles.MoveNextAsync().ConfigureAwait(false))
                {
                    drafts.Add(await _buildDraft(profiles.Current, cancellationToken).ConfigureAwait(false));
                }
            }
            finally
            {
                await profiles.DisposeAsync().ConfigureAwait(false);
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
}
