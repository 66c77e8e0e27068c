using System;
using System.Diagnostics;
using StripeIntercom.Companies;
using StripeIntercom.Connection;
using StripeIntercom.Intercom;
using StripeIntercom.Resilience;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// What one syncing cmdlet call works with: a Stripe reader and an Intercom client over the connection's pools, the
/// synchronizer, and the <see cref="CustomerSync"/> the library's runner drives. Drafts with computed attributes
/// (scriptblocks) are built on the pipeline thread, which is pumping while the runner works.
/// </summary>
internal sealed class SyncSession : IDisposable
{
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly StripeIntercomCmdlet _cmdlet;
    private readonly CmdletLogger _logger;
    private readonly bool _computedAttributes;

    public SyncSession(StripeIntercomCmdlet cmdlet, ServiceConnection connection, AttributeMap map, SyncOptions options,
        RateLimitBudget? intercomBudget, bool computedAttributes)
    {
        _cmdlet = cmdlet;
        Connection = connection;
        _logger = new CmdletLogger(cmdlet);
        _computedAttributes = computedAttributes;
        Counters = new ResilienceCounters();
        Stripe = connection.CreateStripeReader(_logger, Counters);
        Intercom = connection.CreateIntercomClient(_logger, Counters, intercomBudget);
        Synchronizer = new ContactSynchronizer(Intercom, map, options, _logger);
        CustomerSync = computedAttributes
            ? new CustomerSync(Synchronizer, Stripe, (profile, _) => cmdlet.Bridge.OnPipelineThread(() => Synchronizer.BuildDraft(profile)))
            : new CustomerSync(Synchronizer, Stripe);
    }

    /// <summary>The company phase, once <see cref="EnableCompanies"/> turned it on (-SyncCompany).</summary>
    public CompanySynchronizer? Companies { get; private set; }

    /// <summary>
    /// Turns company sync on. Company attributes are evaluated on the pipeline thread when computed ones are
    /// scriptblocks, as contact drafts are.
    /// </summary>
    public void EnableCompanies(AttributeMap companyMap, CompanySyncOptions options)
    {
        Companies = _computedAttributes
            ? new CompanySynchronizer(Intercom, companyMap, options, Stripe, _logger, (profile, _) => _cmdlet.Bridge.OnPipelineThread(() => companyMap.Evaluate(profile)))
            : new CompanySynchronizer(Intercom, companyMap, options, Stripe, _logger);
    }

    /// <summary>A collector for one run, or null without company sync.</summary>
    public CompanyCollector? NewCompanyCollector(bool coversAllCustomers) => Companies?.NewCollector(coversAllCustomers);

    /// <summary>What the run is connected to (workspace, region, Stripe mode), for its confirmation and milestones.</summary>
    public ServiceConnection Connection { get; }

    public ResilienceCounters Counters { get; }
    public StripeCustomerReader Stripe { get; }
    public IntercomClient Intercom { get; }
    public ContactSynchronizer Synchronizer { get; }
    public CustomerSync CustomerSync { get; }

    /// <summary>Adds what the run cost (calls, retries, time) to its summary.</summary>
    public SyncSummary Complete(SyncSummary summary)
    {
        summary.Duration = _elapsed.Elapsed;
        summary.StripeCalls = Stripe.ApiCalls;
        summary.IntercomCalls = Intercom.ApiCalls.Total;
        summary.IntercomWrites = Intercom.ApiCalls.Writes;
        summary.Retries = Counters.Retries;
        summary.ThrottledResponses = Counters.ThrottledResponses;
        return summary;
    }

    public void Dispose()
    {
        Stripe.Dispose();
        Intercom.Dispose();
    }
}
