using System;

namespace StripeIntercom.Bulk;

/// <summary>How bulk writes are batched, polled and given up on.</summary>
public sealed class BulkWriteOptions
{
    /// <summary>
    /// In <see cref="Sync.ContactWriteMode.Auto"/>, writes go one by one until the run has queued this many; from
    /// then on in bulk. Below it a bulk job (a request, its polls and the search for what it created) costs more
    /// calls and more time than the writes themselves.
    /// </summary>
    public int AutoThreshold { get; set; } = 200;

    /// <summary>Items a bulk request carries (Intercom's maximum is 100).</summary>
    public int BatchSize { get; set; } = Intercom.IntercomClient.MaxBulkItems;

    /// <summary>How long a partly filled batch waits for more writes before it is sent.</summary>
    public TimeSpan FlushDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Once a run has read its last customer, how long a partial batch waits after its latest write before it is
    /// sent: the run's last writes follow each other within milliseconds, so the last batch need not wait out
    /// <see cref="FlushDelay"/>.
    /// </summary>
    public TimeSpan LastBatchQuiet { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Customers a run keeps in flight while writing in bulk: enough to fill many batches at once, and to go on
    /// reading Stripe while the first customers wait for the read of every Intercom contact (a workspace of 10,000
    /// contacts takes about 70 pages of them).
    /// </summary>
    public int InFlightCustomers { get; set; } = 10000;

    /// <summary>The first poll of a job, after its task was accepted; later polls back off to
    /// <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan FirstPoll { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A task not finished this long after it was accepted stops the run like an outage: its customers are left for
    /// the next run, which finds what the job did.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>The wait between a create job's end and the first search for its contacts (search lags behind
    /// writes).</summary>
    public TimeSpan SearchDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a search may lag behind a finished create job: created contacts not found by then are looked up
    /// one by one.
    /// </summary>
    public TimeSpan SearchLag { get; set; } = TimeSpan.FromSeconds(10);
}
