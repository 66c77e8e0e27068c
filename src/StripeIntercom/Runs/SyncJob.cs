using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stripe;
using StripeIntercom.Bulk;
using StripeIntercom.Companies;
using StripeIntercom.Events;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>
/// The only way a run happens. Takes the settings and the services, builds the synchronizers, and runs every phase of
/// a run on the one runner: customers, then the companies they name (<see cref="SyncJobRun"/>). The cmdlets, the
/// state-file run (<see cref="StateFileSync"/>), the webhook host and the benchmark all run through it.
/// </summary>
public sealed class SyncJob : IDisposable
{
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly ILogger _logger;
    private BillingEventReader? _eventReader;

    /// <param name="computedHost">Where computed attributes are evaluated; inline when null.</param>
    /// <exception cref="SyncSettingsException">Settings that contradict each other.</exception>
    public SyncJob(SyncSettings settings, SyncServices services, ILogger? logger = null,
        IComputedAttributeHost? computedHost = null)
    {
        Settings = settings ?? throw new ArgumentNullException(nameof(settings));
        Services = services ?? throw new ArgumentNullException(nameof(services));
        SyncSettingsReader.Validate(settings);
        _logger = logger ?? NullLogger.Instance;

        var contacts = new ContactSynchronizer(services.Intercom, settings.Map,
            settings.ContactOptions(settings.LookupMode), _logger);
        if (settings.MayWriteInBulk)
        {
            contacts.BulkWrites = new BulkContactWriter(services.Intercom, settings.WriteMode, settings.ThrottleLimit,
                settings.BulkWrites, _logger)
            {
                // The company phase attaches contacts by id, and billing events are sent to one.
                LooksUpCreatedContacts = settings.SyncCompanies || settings.SyncEvents,
            };
        }

        Contacts = contacts;
        Customers = computedHost == null
            ? new CustomerSync(contacts, services.Stripe)
            : new CustomerSync(contacts, services.Stripe,
                (profile, token) => computedHost.RunAsync(() => contacts.BuildDraft(profile), token));
        if (settings.SyncEvents)
        {
            Events = new BillingEventSender(services.Intercom, settings.EventNames, settings.WhatIf);
        }

        if (settings.SyncCompanies)
        {
            var map = settings.CompanyMap();
            var options = settings.CompanyOptions(settings.LookupMode, settings.ThrottleLimit);
            var companies = computedHost == null
                ? new CompanySynchronizer(services.Intercom, map, options, services.Stripe, _logger)
                : new CompanySynchronizer(services.Intercom, map, options, services.Stripe, _logger,
                    (profile, token) => computedHost.RunAsync(() => map.Evaluate(profile), token));
            if (settings.MayWriteInBulk)
            {
                // The company phase writes in bulk by the same rule as the contacts, counting its own writes in Auto.
                companies.BulkWrites = new BulkCompanyWriter(services.Intercom, settings.WriteMode,
                    settings.ThrottleLimit, settings.BulkWrites, _logger);
            }

            Companies = companies;
        }
    }

    public SyncSettings Settings { get; }

    /// <summary>Sends billing events; null without <see cref="SyncSettings.SyncEvents"/>.</summary>
    public BillingEventSender? Events { get; }

    /// <summary>Reads billing events from Stripe events (plan names, a dispute's customer) over the job's Stripe
    /// reader.</summary>
    public BillingEventReader EventReader => _eventReader ??= Services.Stripe.CreateBillingEventReader();
    public SyncServices Services { get; }
    public ContactSynchronizer Contacts { get; }

    /// <summary>One customer's sync, as every run makes it.</summary>
    public CustomerSync Customers { get; }

    /// <summary>The company phase; null without <see cref="SyncSettings.SyncCompanies"/>.</summary>
    public CompanySynchronizer? Companies { get; }

    /// <summary>Creates the data attributes the maps need and Intercom lacks (only planned under -WhatIf).</summary>
    public async Task<IReadOnlyList<DataAttributeResult>> InitializeAttributesAsync(CancellationToken cancellationToken)
    {
        var results = new List<DataAttributeResult>(await Contacts.AttributeInitializer
            .EnsureAsync(Contacts.Map, Settings.WhatIf, cancellationToken).ConfigureAwait(false));
        if (Companies is { } companies)
        {
            results.AddRange(await companies.AttributeInitializer
                .EnsureAsync(companies.Map, Settings.WhatIf, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>
    /// Starts a run whose customers are submitted one by one (piped input, a state file's list); its companies follow
    /// in <see cref="SyncJobRun.CompleteAsync"/>.
    /// </summary>
    /// <param name="coversAllCustomers">
    /// True when the run sees every customer of the account, so a company's customers need not be re-read.
    /// </param>
    /// <param name="throttleLimit">Syncs at a time; <see cref="SyncSettings.ThrottleLimit"/> by default.</param>
    public SyncJobRun Begin(SyncRunReporting reporting, bool coversAllCustomers, CancellationToken cancellationToken,
        int? throttleLimit = null) =>
        new SyncJobRun(this, reporting, coversAllCustomers, throttleLimit ?? Settings.ThrottleLimit, cancellationToken);

    /// <summary>
    /// A full sync: every customer the query reads, then their companies. The milestones say what the run covers and
    /// how it ended.
    /// </summary>
    public async Task<SyncRunOutcome> RunAsync(CustomerQuery query, SyncRunReporting reporting,
        CancellationToken cancellationToken)
    {
        var everyone = query.CreatedAfter == null;
        RunMilestones.Mode(_logger, "Full sync", everyone
            ? "A sync without -Incremental syncs every Stripe customer."
            : "A sync with -CreatedAfter syncs the Stripe customers created after "
              + query.CreatedAfter!.Value.ToString("u", CultureInfo.InvariantCulture) + ".");
        // A run limited to recent customers does not see every customer of a company: its others are re-read.
        using var run = Begin(reporting, coversAllCustomers: everyone, cancellationToken);
        await run.AddAsync(Services.Stripe.ReadAsync(query, cancellationToken)).ConfigureAwait(false);
        var outcome = await run.CompleteAsync().ConfigureAwait(false);
        if (!outcome.Cancelled)
        {
            RunMilestones.Ended(_logger, outcome.Summary);
        }

        return outcome;
    }

    /// <summary>Re-reads and syncs the named customers, then their companies.</summary>
    /// <param name="billingEvents">Billing events of these customers to send after them (-SyncEvents).</param>
    public async Task<SyncRunOutcome> RunAsync(IEnumerable<string> customerIds, SyncRunReporting reporting,
        CancellationToken cancellationToken, int? throttleLimit = null,
        IEnumerable<BillingEvent>? billingEvents = null)
    {
        using var run = Begin(reporting, coversAllCustomers: false, cancellationToken, throttleLimit);
        if (billingEvents != null)
        {
            run.AddEvents(billingEvents);
        }

        await run.AddAsync(customerIds).ConfigureAwait(false);
        return await run.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// One customer and then its company, as a webhook delivery needs: the customer's result, with its company results
    /// told to <paramref name="reporting"/>. A run-stopping error (a rejected key or token, a service judged down) is
    /// thrown, so the caller stops rather than failing each customer on its own.
    /// </summary>
    public async Task<SyncResult> SyncCustomerAsync(string customerId, SyncRunReporting reporting,
        CancellationToken cancellationToken)
    {
        SyncResult? reported = null;
        var forThisCustomer = new SyncRunReporting(result => reported = result, reporting.CompanyReported);
        var outcome = await RunAsync(new[] { customerId }, forThisCustomer, cancellationToken, throttleLimit: 1)
            .ConfigureAwait(false);
        if (outcome.StopError is { } error && RunStoppingError.Is(error))
        {
            throw error;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return reported ?? throw new InvalidOperationException(
            $"The run of customer {customerId} ended without a result: {outcome.Summary.StopReason}");
    }

    /// <summary>
    /// A webhook delivery's billing events, after its customer's sync (<see cref="SyncCustomerAsync"/>): sent to the
    /// contact that sync found, in Stripe's order. A run-stopping error is thrown.
    /// </summary>
    public async Task<IReadOnlyList<BillingEventResult>> SendEventsAsync(IReadOnlyList<Event> stripeEvents,
        SyncResult customer, CancellationToken cancellationToken)
    {
        if (Events == null || stripeEvents.Count == 0)
        {
            return Array.Empty<BillingEventResult>();
        }

        var events = new List<BillingEvent>();
        foreach (var stripeEvent in stripeEvents)
        {
            if (await EventReader.ReadAsync(stripeEvent, cancellationToken).ConfigureAwait(false) is { } read)
            {
                events.Add(read);
            }
        }

        return await Events.SendAsync(events, customer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds what the job has cost so far (calls, retries, time) to <paramref name="summary"/>.</summary>
    public SyncSummary Complete(SyncSummary summary)
    {
        summary.Duration = _elapsed.Elapsed;
        summary.StripeCalls = Services.Stripe.ApiCalls;
        summary.IntercomCalls = Services.Intercom.ApiCalls.Total;
        summary.IntercomWrites = Services.Intercom.ApiCalls.Writes;
        summary.Retries = Services.Counters.Retries;
        summary.ThrottledResponses = Services.Counters.ThrottledResponses;
        return summary;
    }

    public void Dispose() => Services.Dispose();
}
