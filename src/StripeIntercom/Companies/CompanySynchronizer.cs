using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StripeIntercom.Bulk;
using StripeIntercom.Intercom;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Companies;

/// <summary>
/// The company phase of a run: after the customers are synced, makes each company they name hold what its customers
/// say, writing only what differs, and attaches each customer's contact that is not attached yet. Never detaches a
/// contact and never deletes a company.
/// <para>
/// Companies are read in bulk (one scroll of the workspace) for full runs and many companies, or one lookup by
/// company_id each for small runs and webhooks. POST /companies creates or updates by company_id, so a company the
/// app already made (company_id from <see cref="CompanySyncOptions.CompanyIdMetadataKey"/>) is updated in place.
/// </para>
/// <para>
/// With <see cref="BulkWrites"/>, upserts and attachments go in Intercom's Preview bulk jobs, and many more companies
/// are kept in flight once the writer goes bulk; what a job hands back is written one by one as without it.
/// </para>
/// </summary>
public sealed class CompanySynchronizer
{
    private readonly IntercomClient _client;
    private readonly StripeCustomerReader? _stripe;
    private readonly ILogger _logger;
    private readonly Func<CustomerProfile, CancellationToken, Task<IReadOnlyDictionary<string, object?>>> _evaluate;

    /// <param name="map">The company map (<see cref="CompanyAttributes.From"/>).</param>
    /// <param name="stripe">Where a company's other customers are re-read in runs that do not see every
    /// customer.</param> <param name="evaluate"> How a company profile becomes attribute values; <see
    /// cref="AttributeMap.Evaluate"/> by default. PowerShell passes one that runs on its pipeline thread, because
    /// computed attributes are scriptblocks.
    /// </param>
    public CompanySynchronizer(IntercomClient client, AttributeMap map, CompanySyncOptions? options = null,
        StripeCustomerReader? stripe = null, ILogger? logger = null,
        Func<CustomerProfile, CancellationToken, Task<IReadOnlyDictionary<string, object?>>>? evaluate = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        Map = map ?? throw new ArgumentNullException(nameof(map));
        if (map.Find(CompanyAttributes.CustomerIds) == null)
        {
            throw new ArgumentException(
                $"A company map carries {CompanyAttributes.CustomerIds}: use CompanyAttributes.From.", nameof(map));
        }

        Options = options ?? new CompanySyncOptions();
        _stripe = stripe;
        _logger = logger ?? NullLogger.Instance;
        _evaluate = evaluate ?? ((profile, _) => Task.FromResult(map.Evaluate(profile)));
        AttributeInitializer = new DataAttributeInitializer(client, _logger, model: "company");
    }

    public AttributeMap Map { get; }
    public CompanySyncOptions Options { get; }
    public DataAttributeInitializer AttributeInitializer { get; }

    /// <summary>
    /// Writes companies and attachments in bulk jobs; null writes each one by one. <see cref="Runs.SyncJob"/> sets it
    /// when the run may write in bulk (never under -WhatIf).
    /// </summary>
    public BulkCompanyWriter? BulkWrites { get; set; }

    /// <summary>A collector for one run with these options.</summary>
    public CompanyCollector NewCollector(bool coversAllCustomers) => new CompanyCollector(
        Options)
    { CoversAllCustomers = coversAllCustomers };

    /// <summary>
    /// Syncs every company the collector names, reporting results in company_id order. Per-company failures are
    /// Failed results; a run-stopping error (<see cref="RunStoppingError"/>) or cancellation is thrown, after the
    /// results before it were reported.
    /// </summary>
    public async Task RunAsync(
        CompanyCollector collected, Action<CompanySyncResult>? onResult, CancellationToken cancellationToken = default)
    {
        if (collected == null)
        {
            throw new ArgumentNullException(nameof(collected));
        }

        var index = UseBulk(collected) ? await ReadAllAsync(cancellationToken).ConfigureAwait(false) : null;
        await PlaceDeletedCustomersAsync(collected, index, cancellationToken).ConfigureAwait(false);

        // The library's one engine: a company starts once a slot is free and is reported, in company_id order, once it
        // and those before it are done. Nothing is reported after the first company that did not finish, and the ones
        // in flight are cancelled and awaited, so none writes after the phase has returned.
        using var runner = new OrderedRunner<CompanySyncResult>(Math.Max(1, Options.ThrottleLimit), onResult,
            (companyId, error) => FailedResult(companyId, error), cancellationToken);
        // Writing in bulk, a company waits for its batch and its job without making calls: many more are kept in
        // flight once the writer goes bulk, and the calls they make one by one take turns at the throttle limit.
        var bulk = Options.ThrottleLimit > 1 ? BulkWrites : null;
        void WidenForBulk() => runner.Widen(bulk!.Options.InFlightCustomers);
        if (bulk != null)
        {
            bulk.WentBulk += WidenForBulk;
            if (bulk.IsBulk)
            {
                WidenForBulk();
            }
        }

        try
        {
            foreach (var companyId in collected.CompanyIds)
            {
                collected.TryGet(companyId, out var aggregate);
                var submitted = await runner.SubmitAsync(companyId,
                    async token => await SyncOneAsync(aggregate, collected, index, token).ConfigureAwait(false))
                    .ConfigureAwait(false);
                if (!submitted)
                {
                    break;
                }
            }

            await runner.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            if (bulk != null)
            {
                bulk.WentBulk -= WidenForBulk;
            }
        }

        if (runner.StopError is { } stopError)
        {
            ExceptionDispatchInfo.Capture(stopError).Throw();
        }

        if (runner.IsStopped)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>A company whose sync threw what fails only that company (its own sync catches those first).</summary>
    private CompanySyncResult FailedResult(string companyId, Exception error)
    {
        var result = new CompanySyncResult
        {
            CompanyId = companyId,
            WhatIf = Options.WhatIf,
            Action = CompanySyncAction.Failed,
            Exception = error,
            Error = FailureDescription.Of($"Company {companyId}", error),
        };
        _logger.LogWarning("{Error}", result.Error);
        return result;
    }

    private bool UseBulk(CompanyCollector collected) => Options.LookupMode == ContactLookupMode.Bulk
                                                        || (Options.LookupMode == ContactLookupMode.Auto
                                                            && (collected.CoversAllCustomers
                                                                || collected.CompanyCount > Options.BulkThreshold));

    /// <summary>Every listed company, by company_id and by the customers it lists; null when the workspace's one scroll
    /// is taken.</summary>
    private async Task<CompanyIndex?> ReadAllAsync(CancellationToken cancellationToken)
    {
        var index = new CompanyIndex();
        try
        {
            await foreach (var company in _client.ScrollAllCompaniesAsync(cancellationToken).ConfigureAwait(false))
            {
                index.Add(company);
            }
        }
        catch (IntercomApiException ex) when ((int)ex.StatusCode == 400 && !RunStoppingError.Is(ex))
        {
            // Another reader holds the workspace's one scroll: fall back to a lookup per company.
            _logger.LogWarning(
                "Could not read the companies in bulk ({Error}); looking each up by company_id instead.", ex.Message);
            return null;
        }

        _logger.LogInformation("Read {Count} Intercom companies in bulk.", index.Count);
        return index;
    }

    /// <summary>
    /// A deleted customer's metadata is gone, so its company is the one that lists it (or whose company_id is its id):
    /// from the bulk index, or from the companies its contact is attached to.
    /// </summary>
    private async Task PlaceDeletedCustomersAsync(
        CompanyCollector collected, CompanyIndex? index, CancellationToken cancellationToken)
    {
        if (Options.DeletedCustomerAction == DeletedCustomerAction.Ignore)
        {
            return;
        }

        foreach (var deleted in collected.DeletedCustomers)
        {
            var companies = new Dictionary<string, IntercomCompany>(StringComparer.Ordinal);
            if (index != null)
            {
                foreach (var company in index.Listing(deleted.Id))
                {
                    companies[company.Id] = company;
                }

                if (index.ByCompanyId(deleted.Id) is { } own)
                {
                    companies[own.Id] = own;
                }
            }
            else
            {
                var contact = collected.ContactOf(deleted.Id);
                foreach (var id in contact?.Companies?.Ids ?? Array.Empty<string>())
                {
                    IntercomCompany company;
                    try
                    {
                        company = await _client.GetCompanyAsync(id, cancellationToken).ConfigureAwait(false);
                    }
                    catch (IntercomApiException ex) when ((int)ex.StatusCode == 404)
                    {
                        continue;
                    }

                    if (CompanyAttributes.ListedCustomerIds(company).Contains(deleted.Id)
                        || company.CompanyId == deleted.Id)
                    {
                        companies[company.Id] = company;
                    }
                }

                if (companies.Count == 0
                    && await _client.FindCompanyByCompanyIdAsync(deleted.Id, cancellationToken)
                           .ConfigureAwait(false) is { } own)
                {
                    companies[own.Id] = own;
                }
            }

            foreach (var company in companies.Values)
            {
                var aggregate = collected.GetOrAdd(company.CompanyId);
                lock (aggregate)
                {
                    aggregate.Existing = company;
                    aggregate.ExistingKnown = true;
                    aggregate.Add(deleted);
                }
            }
        }
    }

    private async Task<CompanySyncResult> SyncOneAsync(CompanyAggregate aggregate, CompanyCollector collected,
        CompanyIndex? index, CancellationToken cancellationToken)
    {
        var result = new CompanySyncResult { CompanyId = aggregate.CompanyId, WhatIf = Options.WhatIf };
        try
        {
            await SyncOneCoreAsync(aggregate, collected, index, result, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (RunStoppingError.FailsOnlyItsItem(e, cancellationToken))
        {
            result.Action = CompanySyncAction.Failed;
            result.Exception = e;
            result.Error = FailureDescription.Of($"Company {aggregate.CompanyId}", e);
            if (result.CustomerIds.Count == 0)
            {
                result.CustomerIds = aggregate.CustomerIds;
            }

            _logger.LogWarning("{Error}", result.Error);
        }

        result.ContributingCustomerIds = aggregate.AllCustomerIds;
        _logger.LogDebug(
            "Company {CompanyId} {Action} {Id}", result.CompanyId, result.Action, result.IntercomCompanyId);
        return result;
    }

    private async Task SyncOneCoreAsync(CompanyAggregate aggregate, CompanyCollector collected, CompanyIndex? index,
        CompanySyncResult result, CancellationToken cancellationToken)
    {
        using (await OneByOneAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!aggregate.ExistingKnown)
            {
                aggregate.Existing = index != null
                    ? index.ByCompanyId(aggregate.CompanyId)
                    : await _client.FindCompanyByCompanyIdAsync(aggregate.CompanyId, cancellationToken)
                        .ConfigureAwait(false);
                aggregate.ExistingKnown = true;
            }

            if (aggregate.Existing != null && !collected.CoversAllCustomers)
            {
                await AddListedCustomersAsync(aggregate, aggregate.Existing, cancellationToken).ConfigureAwait(false);
            }
        }

        var existing = aggregate.Existing;

        result.CustomerIds = aggregate.CustomerIds;
        result.IntercomCompanyId = existing?.Id;
        result.Name = existing?.Name;
        if (!aggregate.HasLiveCustomers)
        {
            result.Action = CompanySyncAction.Skipped;
            if (Options.DeletedCustomerAction == DeletedCustomerAction.Ignore)
            {
                result.Error = $"Company {aggregate.CompanyId}: its customers were deleted; "
                    + "left alone (DeletedCustomerAction Ignore).";
                return;
            }

            if (existing == null)
            {
                result.Error = $"Company {aggregate.CompanyId}: its customers were deleted "
                    + "and it has no Intercom company; none is created.";
                return;
            }
        }

        foreach (var currency in aggregate.OtherCurrencies)
        {
            _logger.LogWarning(
                "Company {CompanyId}: MRR billed in {Currency} is left out of monthly_spend, "
                + "which is in the primary customer's currency.",
                aggregate.CompanyId, currency);
        }

        var profile = aggregate.CompanyProfile();
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var pair in await _evaluate(profile, cancellationToken).ConfigureAwait(false))
        {
            values[pair.Key] = pair.Value;
        }

        values[CompanyAttributes.CustomerIds] = CompanyAttributes.Format(aggregate.CustomerIds);
        var plan = aggregate.HasLiveCustomers ? IntercomFieldLimits.Cut(profile.Plan, IntercomFieldLimits.CompanyPlan)
                                              : null;
        var spend = aggregate.HasLiveCustomers ? aggregate.MonthlySpend(profile) : 0L;

        var (write, changes) = Diff(existing, aggregate.CompanyId, profile, plan, spend, values);
        var attach
            = await ContactsToAttachAsync(aggregate, collected, existing, cancellationToken).ConfigureAwait(false);
        var allChanges = changes.Concat(attach.Select(a => new AttributeChange("contact", null, a.Label))).ToList();
        result.Changes = allChanges;
        result.AttachedContactIds = attach.Select(a => a.Label).ToList();
        result.Name = existing?.Name ?? write.Name;
        result.Action = existing == null ? CompanySyncAction.Created
            : allChanges.Count > 0 || Options.Force ? CompanySyncAction.Updated
            : CompanySyncAction.Unchanged;
        if (result.Action == CompanySyncAction.Unchanged || Options.WhatIf)
        {
            return;
        }

        var intercomId = existing?.Id;
        if (existing == null || changes.Count > 0 || Options.Force)
        {
            if (Options.Force && existing != null)
            {
                write = FullWrite(existing, aggregate.CompanyId, plan, spend, values);
            }

            await EnsureAttributesAsync(values, cancellationToken).ConfigureAwait(false);
            intercomId = await UpsertAsync(write, existing, cancellationToken).ConfigureAwait(false);
        }

        result.IntercomCompanyId = intercomId;
        await AttachAllAsync(aggregate.CompanyId, intercomId!, attach, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates or updates the company, in a bulk job when the phase writes in bulk, and returns its Intercom id when
    /// known. A job returns no ids, and none is needed (attachments in bulk go by company_id), so a company a job
    /// created is not looked up: its id is null. One the job handed back is written on its own (an upsert by
    /// company_id is idempotent), which answers with the company.
    /// </summary>
    private async Task<string?> UpsertAsync(IntercomCompanyWrite write, IntercomCompany? existing,
        CancellationToken cancellationToken)
    {
        if (BulkWrites is { } bulk && await bulk.UpsertAsync(write, cancellationToken).ConfigureAwait(false))
        {
            return existing?.Id;
        }

        using (await OneByOneAsync(cancellationToken).ConfigureAwait(false))
        {
            return (await _client.UpsertCompanyAsync(write, cancellationToken).ConfigureAwait(false)).Id;
        }
    }

    /// <summary>
    /// Attaches each planned contact: in bulk jobs by company_id, all at once, when the phase writes in bulk;
    /// otherwise, and for any a job hands back, one by one by the company's Intercom id. Never detaches.
    /// </summary>
    /// <param name="intercomId">Null for a company a bulk job created: looked up only if an attachment is handed
    /// back.</param>
    private async Task AttachAllAsync(string companyId, string? intercomId, IReadOnlyList<PlannedAttach> attach,
        CancellationToken cancellationToken)
    {
        if (BulkWrites is not { } bulk)
        {
            foreach (var contact in attach)
            {
                await _client.AttachContactToCompanyAsync(contact.ContactId!, intercomId!, cancellationToken)
                    .ConfigureAwait(false);
            }

            return;
        }

        await Task.WhenAll(attach.Select(async contact =>
        {
            if (await bulk.AttachAsync(contact.ContactId!, companyId, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            using (await bulk.OneByOneAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = intercomId
                    ?? (await _client.FindCompanyByCompanyIdAsync(companyId, cancellationToken).ConfigureAwait(false))
                        ?.Id
                    ?? throw new InvalidOperationException(
                        $"Company {companyId} was not found after its bulk job, so contact {contact.Label} could not "
                        + "be attached to it; the next run attaches it.");
                await _client.AttachContactToCompanyAsync(contact.ContactId!, id, cancellationToken)
                    .ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
    }

    /// <summary>
    /// A turn for a call made one by one while the phase writes in bulk (it keeps many more companies in flight than
    /// calls at a time); none without bulk writes, where the runner's throttle limit already bounds the calls.
    /// </summary>
    private async Task<IDisposable?> OneByOneAsync(CancellationToken cancellationToken) =>
        BulkWrites == null ? null : await BulkWrites.OneByOneAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// In a run that did not see every customer, the company's other customers (as it lists them) are re-read, so the
    /// sums stay over all of them. A listed customer now naming another company is dropped.
    /// </summary>
    private async Task AddListedCustomersAsync(
        CompanyAggregate aggregate, IntercomCompany existing, CancellationToken cancellationToken)
    {
        if (_stripe == null)
        {
            return;
        }

        foreach (var customerId in CompanyAttributes.ListedCustomerIds(existing))
        {
            if (aggregate.Contains(customerId))
            {
                continue;
            }

            var profile = await _stripe.GetAsync(customerId, cancellationToken).ConfigureAwait(false);
            if (profile == null)
            {
                continue;
            }

            if (profile.Deleted)
            {
                if (Options.DeletedCustomerAction != DeletedCustomerAction.Ignore)
                {
                    aggregate.Add(profile);
                }
            }
            else if (Options.CompanyIdFor(profile) == aggregate.CompanyId)
            {
                aggregate.Add(profile);
            }
        }
    }

    private (IntercomCompanyWrite Write, List<AttributeChange> Changes)
        Diff(IntercomCompany? existing, string companyId, CustomerProfile profile, string? plan, long spend,
            IReadOnlyDictionary<string, object?> values)
    {
        var write = new IntercomCompanyWrite { CompanyId = companyId };
        var changes = new List<AttributeChange>();
        if (existing == null)
        {
            // The name is set when the company is made, never afterwards: an app's company keeps the name the app gave
            // it.
            write.Name
                = IntercomFieldLimits.Cut(profile.Name ?? profile.Email ?? companyId, IntercomFieldLimits.CompanyName);
            changes.Add(new AttributeChange("company_id", null, companyId));
            changes.Add(new AttributeChange("name", null, write.Name));
            if (plan != null)
            {
                write.Plan = plan;
                changes.Add(new AttributeChange("plan", null, plan));
            }

            write.MonthlySpend = spend;
            changes.Add(new AttributeChange("monthly_spend", null, spend));
            write.CustomAttributes = CustomAttributeWrites.ForCreate(values);
            changes.AddRange(write.CustomAttributes.Select(p => new AttributeChange(p.Key, null, p.Value)));
            return (write, changes);
        }

        if (plan != null && !string.Equals(existing.Plan, plan, StringComparison.Ordinal))
        {
            write.Plan = plan;
            changes.Add(new AttributeChange("plan", existing.Plan, plan));
        }

        if (existing.MonthlySpend != spend)
        {
            write.MonthlySpend = spend;
            changes.Add(new AttributeChange("monthly_spend", existing.MonthlySpend, spend));
        }

        write.CustomAttributes = CustomAttributeWrites.Changed(existing.CustomAttributes, values, changes);

        return (write, changes);
    }

    private static IntercomCompanyWrite FullWrite(IntercomCompany existing, string companyId, string? plan, long spend,
        IReadOnlyDictionary<string, object?> values) => new IntercomCompanyWrite
        {
            CompanyId = companyId,
            Plan = plan,
            MonthlySpend = spend,
            CustomAttributes = CustomAttributeWrites.ForFullWrite(existing.CustomAttributes, values),
        };

    /// <summary>
    /// The contacts of the company's live customers not attached to it yet. The contact objects the sync read list
    /// their companies, so this reads nothing, except for a contact with more companies than its object lists.
    /// </summary>
    private async Task<List<PlannedAttach>> ContactsToAttachAsync(CompanyAggregate aggregate,
        CompanyCollector collected, IntercomCompany? existing, CancellationToken cancellationToken)
    {
        var planned = new List<PlannedAttach>();
        var seenContacts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var customerId in aggregate.LiveCustomerIds)
        {
            var contact = collected.ContactOf(customerId);
            if (contact == null)
            {
                continue;
            }

            if (contact.ContactId == null)
            {
                // -WhatIf: the contact would be created by this run.
                planned.Add(new PlannedAttach(null, $"(new contact of {customerId})"));
                continue;
            }

            if (!seenContacts.Add(contact.ContactId))
            {
                continue;
            }

            if (existing != null && contact.Companies != null)
            {
                if (contact.Companies.Ids.Contains(existing.Id))
                {
                    continue;
                }

                if (!contact.Companies.IsComplete)
                {
                    using var turn = await OneByOneAsync(cancellationToken).ConfigureAwait(false);
                    var all = await _client.ListContactCompaniesAsync(contact.ContactId, cancellationToken)
                                  .ConfigureAwait(false);
                    if (all.Any(c => c.Id == existing.Id))
                    {
                        continue;
                    }
                }
            }

            planned.Add(new PlannedAttach(contact.ContactId, contact.ContactId));
        }

        return planned;
    }

    private Task EnsureAttributesAsync(IReadOnlyDictionary<string, object?> values,
        CancellationToken cancellationToken) => !Options.InitializeAttributes || Options.WhatIf
                                                    ? Task.CompletedTask
                                                    : AttributeInitializer.EnsureBeforeWriteAsync(
                                                        Map, values, cancellationToken);

    private sealed class PlannedAttach
    {
        public PlannedAttach(string? contactId, string label)
        {
            ContactId = contactId;
            Label = label;
        }

        public string? ContactId { get; }
        public string Label { get; }
    }

    private sealed class CompanyIndex
    {
        private readonly Dictionary<string, IntercomCompany> _byCompanyId
            = new Dictionary<string, IntercomCompany>(StringComparer.Ordinal);
        private readonly Dictionary<string, List<IntercomCompany>> _byCustomer
            = new Dictionary<string, List<IntercomCompany>>(StringComparer.Ordinal);

        public int Count => _byCompanyId.Count;

        public void Add(IntercomCompany company)
        {
            _byCompanyId[company.CompanyId] = company;
            foreach (var customerId in CompanyAttributes.ListedCustomerIds(company))
            {
                if (!_byCustomer.TryGetValue(customerId, out var list))
                {
                    _byCustomer[customerId] = list = new List<IntercomCompany>();
                }

                list.Add(company);
            }
        }

        public IntercomCompany? ByCompanyId(
            string companyId) => _byCompanyId.TryGetValue(companyId, out var company) ? company : null;

        public IReadOnlyList<IntercomCompany> Listing(
            string customerId) => _byCustomer.TryGetValue(customerId, out var list)
                                      ? list
                                      : (IReadOnlyList<IntercomCompany>)Array.Empty<IntercomCompany>();
    }
}
