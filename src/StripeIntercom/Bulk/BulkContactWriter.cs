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
/// Gathers the contact writes of many customer syncs into Intercom's Preview bulk jobs, 100 a request, and tells
/// each sync what its own write became. Intercom reports neither per-item results nor the ids of created contacts, so
/// a create is confirmed by finding its contact afterwards (<see cref="BulkCreateReconciler"/>), and whatever a job
/// did not do is handed back for the caller to write one by one: the caller's per-contact path then settles it
/// exactly as it settles a lost response (a 409 names the contact to adopt), so nothing is written twice.
/// <para>Safe to call concurrently. A job that never finishes stops the run (<see cref="BulkJobWatcher"/>).</para>
/// </summary>
public sealed class BulkContactWriter
{
    private readonly IntercomClient _client;
    private readonly BulkWriteOptions _options;
    private readonly ILogger _logger;
    private readonly BulkJobWatcher _watcher;
    private readonly BulkCreateReconciler _reconciler;
    private readonly BulkQueue<PendingCreate> _creates;
    private readonly BulkQueue<PendingUpdate> _updates;
    private readonly BulkSwitch _switch;
    private readonly OneByOneGate _oneByOne;

    /// <param name="throttleLimit">
    /// Writes made one by one at a time (what the run's syncs at a time would make).
    /// </param>
    public BulkContactWriter(IntercomClient client, ContactWriteMode mode, int throttleLimit,
        BulkWriteOptions? options = null, ILogger? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _oneByOne = new OneByOneGate(throttleLimit);
        _options = options ?? new BulkWriteOptions();
        _switch = new BulkSwitch(mode, _options);
        _logger = logger ?? NullLogger.Instance;
        _watcher = new BulkJobWatcher(_options, client.GetContactsBulkJobAsync);
        _reconciler = new BulkCreateReconciler(client, _options);
        _creates = new BulkQueue<PendingCreate>(_options, SendCreatesAsync);
        _updates = new BulkQueue<PendingUpdate>(_options, SendUpdatesAsync);
    }

    public BulkWriteOptions Options => _options;


    /// <summary>
    /// Whether a create job that ended completed is followed by a search for the contacts it made, so that their
    /// Intercom ids are known. A run whose later phases address contacts by id (the company phase attaches them,
    /// billing events go to them) needs it; without it such contacts are reported Created without an id, which saves
    /// the search and the wait for Intercom's search to catch up with the job.
    /// </summary>
    public bool LooksUpCreatedContacts { get; set; } = true;

    /// <summary>
    /// Creates the contact in a bulk job. The outcome holds the contact with the write's external_id once the job is
    /// done (made by the job, or by another writer first: the caller compares), says it was created without looking
    /// it up (<see cref="LooksUpCreatedContacts"/> off and a job that created every item), or hands the create back
    /// for the caller to make itself (a run still below <see cref="BulkWriteOptions.AutoThreshold"/>, or a create the
    /// job rejected).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A write without an external_id: it could not be found afterwards.
    /// </exception>
    public async Task<BulkCreateOutcome> CreateAsync(IntercomContactWrite write,
        CancellationToken cancellationToken)
    {
        if (write == null || string.IsNullOrEmpty(write.ExternalId))
        {
            throw new ArgumentException("A bulk create needs the contact's external_id.", nameof(write));
        }

        if (!_switch.CountWrite())
        {
            return BulkCreateOutcome.WriteOneByOne;
        }

        var pending = new PendingCreate(write, cancellationToken);
        _creates.Add(pending);
        return await pending.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Updates the contact in a bulk job. True once the job applied it; false when the caller is to write it itself
    /// (below the threshold, a change the bulk update cannot carry such as a role, or a job that rejected an item and
    /// does not say which).
    /// </summary>
    public async Task<bool> UpdateAsync(string contactId, IntercomContactWrite write,
        CancellationToken cancellationToken)
    {
        if (write.Role != null || write.SignedUpAt != null)
        {
            return false;
        }

        if (!_switch.CountWrite())
        {
            return false;
        }

        var pending = new PendingUpdate(contactId, write, cancellationToken);
        _updates.Add(pending);
        return await pending.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A turn to write one by one what the writer handed back: a run keeps many customers in flight while writing in
    /// bulk, so the writes it hands back (below Auto's threshold, or rejected by a job) are let through no more at a
    /// time than the run's throttle limit, as in a per-contact run. Dispose it when the write is done.
    /// </summary>
    public Task<IDisposable> OneByOneAsync(CancellationToken cancellationToken) =>
        _oneByOne.EnterAsync(cancellationToken);

    /// <summary>
    /// The run will submit no more customers: the last partial batches leave once the writes of the customers still
    /// in flight stop coming (<see cref="BulkWriteOptions.LastBatchQuiet"/>), instead of waiting out
    /// <see cref="BulkWriteOptions.FlushDelay"/>.
    /// </summary>
    public void FinishSoon()
    {
        _creates.FinishSoon();
        _updates.FinishSoon();
    }

    /// <inheritdoc cref="BulkSwitch.IsBulk"/>
    public bool IsBulk => _switch.IsBulk;

    /// <inheritdoc cref="BulkSwitch.WentBulk"/>
    public event Action? WentBulk
    {
        add => _switch.WentBulk += value;
        remove => _switch.WentBulk -= value;
    }

    private async Task SendCreatesAsync(IReadOnlyList<PendingCreate> batch)
    {
        // Every item of a batch comes from the same run, so the first one's token stops the batch with the run.
        var token = batch[0].Token;
        try
        {
            var writes = batch.Select(p => p.Write).ToList();
            var job = await BulkSubmission.SendAsync(_switch, _logger,
                () => _client.CreateContactsInBulkAsync(writes, cancellationToken: token)).ConfigureAwait(false);
            if (job == null)
            {
                batch.CompleteEach(BulkCreateOutcome.WriteOneByOne);
                return;
            }

            var finished = await _watcher.WaitAsync(job, "create of " + batch.Count + " contacts", token)
                .ConfigureAwait(false);
            if (finished == IntercomBulkJobState.Completed && !LooksUpCreatedContacts)
            {
                batch.CompleteEach(BulkCreateOutcome.CreatedUnlooked);
                return;
            }

            var found = await _reconciler.FindCreatedAsync(writes,
                allCreated: finished == IntercomBulkJobState.Completed, token).ConfigureAwait(false);
            var missing = writes.Count(w => !found.ContainsKey(w.ExternalId!));
            if (missing > 0)
            {
                _logger.LogInformation(
                    "Bulk job {JobId} ended {State}; {Missing} of {Count} contacts were not created by it and are "
                    + "written one by one.", job.Id, finished, missing, writes.Count);
            }

            foreach (var pending in batch)
            {
                pending.Completion.TrySetResult(found.TryGetValue(pending.Write.ExternalId!, out var contact)
                    ? BulkCreateOutcome.Found(contact)
                    : BulkCreateOutcome.WriteOneByOne);
            }
        }
        catch (Exception ex)
        {
            batch.FailEach(ex);
        }
    }

    private Task SendUpdatesAsync(IReadOnlyList<PendingUpdate> batch) =>
        BulkSubmission.ApplyAsync(batch, _switch, _watcher, _logger, $"update of {batch.Count} contacts",
            token => _client.UpdateContactsInBulkAsync(batch.Select(p => (p.ContactId, p.Write)).ToList(),
                cancellationToken: token));

    private sealed class PendingCreate : BulkItem<BulkCreateOutcome>
    {
        public PendingCreate(IntercomContactWrite write, CancellationToken token) : base(token) => Write = write;

        public IntercomContactWrite Write { get; }
    }

    private sealed class PendingUpdate : BulkItem<bool>
    {
        public PendingUpdate(string contactId, IntercomContactWrite write, CancellationToken token) : base(token)
        {
            ContactId = contactId;
            Write = write;
        }

        public string ContactId { get; }
        public IntercomContactWrite Write { get; }
    }
}
