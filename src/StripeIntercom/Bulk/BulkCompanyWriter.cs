using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StripeIntercom.Intercom;
using StripeIntercom.Sync;

namespace StripeIntercom.Bulk;

/// <summary>
/// Gathers the writes of the company phase into Intercom's Preview bulk jobs, 100 a request: company upserts through
/// POST /companies/bulk (create or update by company_id) and attachments through PUT /contacts/bulk (a contact's id
/// and the company_id to attach it to; never a detach). Each caller is told whether the job applied its write. A job
/// that ends CompletedWithErrors does not say which item it rejected, so every write of that job is handed back for
/// the caller to make one by one: an upsert by company_id and an attachment are idempotent, so nothing is written
/// twice, and the one that fails is reported with its own company.
/// <para>Safe to call concurrently. A job that never finishes stops the run (<see cref="BulkJobWatcher"/>).</para>
/// </summary>
public sealed class BulkCompanyWriter
{
    private readonly IntercomClient _client;
    private readonly BulkWriteOptions _options;
    private readonly ILogger _logger;
    private readonly BulkJobWatcher _companyJobs;
    private readonly BulkJobWatcher _contactJobs;
    private readonly BulkQueue<PendingUpsert> _upserts;
    private readonly BulkQueue<PendingAttach> _attachments;
    private readonly BulkSwitch _switch;
    private readonly OneByOneGate _oneByOne;

    /// <param name="throttleLimit">Writes and reads made one by one at a time (the run's companies at a time).</param>
    public BulkCompanyWriter(IntercomClient client, ContactWriteMode mode, int throttleLimit,
        BulkWriteOptions? options = null, ILogger? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? new BulkWriteOptions();
        _logger = logger ?? NullLogger.Instance;
        _switch = new BulkSwitch(mode, _options);
        _oneByOne = new OneByOneGate(throttleLimit);
        _companyJobs = new BulkJobWatcher(_options, client.GetCompaniesBulkJobAsync);
        _contactJobs = new BulkJobWatcher(_options, client.GetContactsBulkJobAsync);
        _upserts = new BulkQueue<PendingUpsert>(_options, SendUpsertsAsync);
        _attachments = new BulkQueue<PendingAttach>(_options, SendAttachmentsAsync);
    }

    public BulkWriteOptions Options => _options;


    /// <inheritdoc cref="BulkSwitch.IsBulk"/>
    public bool IsBulk => _switch.IsBulk;

    /// <inheritdoc cref="BulkSwitch.WentBulk"/>
    public event Action? WentBulk
    {
        add => _switch.WentBulk += value;
        remove => _switch.WentBulk -= value;
    }

    /// <summary>
    /// Creates or updates the company by its company_id in a bulk job. True once the job applied it; false when the
    /// caller is to write it itself (below Auto's threshold, or a job that rejected an item and does not say which).
    /// Intercom returns no company: a caller that needs the new company's id looks it up by company_id.
    /// </summary>
    public async Task<bool> UpsertAsync(IntercomCompanyWrite write, CancellationToken cancellationToken)
    {
        if (write == null || string.IsNullOrEmpty(write.CompanyId))
        {
            throw new ArgumentException("A bulk upsert needs the company's company_id.", nameof(write));
        }

        if (!_switch.CountWrite())
        {
            return false;
        }

        var pending = new PendingUpsert(write, cancellationToken);
        _upserts.Add(pending);
        return await pending.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Attaches the contact to the company with <paramref name="companyId"/> (its company_id, not its Intercom id) in a
    /// bulk job; the company must have been written already, or Intercom would make a bare one. True once the job
    /// applied it; false when the caller is to attach it itself.
    /// </summary>
    public async Task<bool> AttachAsync(string contactId, string companyId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(contactId) || string.IsNullOrEmpty(companyId))
        {
            throw new ArgumentException("A bulk attachment needs a contact id and a company_id.");
        }

        if (!_switch.CountWrite())
        {
            return false;
        }

        var pending = new PendingAttach(contactId, companyId, cancellationToken);
        _attachments.Add(pending);
        return await pending.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A turn to call Intercom one by one (a write the writer handed back, or a read): a phase writing in bulk keeps
    /// many more companies in flight than its throttle limit, and these calls go no more at a time than that limit.
    /// Dispose it when the call is done; never hold one while waiting for a bulk write.
    /// </summary>
    public Task<IDisposable> OneByOneAsync(CancellationToken cancellationToken) =>
        _oneByOne.EnterAsync(cancellationToken);

    private Task SendUpsertsAsync(IReadOnlyList<PendingUpsert> batch) =>
        BulkSubmission.ApplyAsync(batch, _switch, _companyJobs, _logger, $"upsert of {batch.Count} companies",
            token => _client.UpsertCompaniesInBulkAsync(batch.Select(p => p.Write).ToList(),
                cancellationToken: token));

    private Task SendAttachmentsAsync(IReadOnlyList<PendingAttach> batch) =>
        BulkSubmission.ApplyAsync(batch, _switch, _contactJobs, _logger, $"attachment of {batch.Count} contacts",
            token => _client.AttachContactsToCompaniesInBulkAsync(
                batch.Select(p => (p.ContactId, p.CompanyId)).ToList(), cancellationToken: token));

    private sealed class PendingUpsert : BulkItem<bool>
    {
        public PendingUpsert(IntercomCompanyWrite write, CancellationToken token) : base(token) => Write = write;

        public IntercomCompanyWrite Write { get; }
    }

    private sealed class PendingAttach : BulkItem<bool>
    {
        public PendingAttach(string contactId, string companyId, CancellationToken token) : base(token)
        {
            ContactId = contactId;
            CompanyId = companyId;
        }

        public string ContactId { get; }
        public string CompanyId { get; }
    }
}
