using System;
using System.Threading;
using StripeIntercom.Sync;

namespace StripeIntercom.Bulk;

/// <summary>
/// Decides, write by write, whether a writer's writes go in bulk: every one in Bulk mode; in Auto, those from the
/// <see cref="BulkWriteOptions.AutoThreshold"/>-th on (below it a job costs more calls and time than the writes).
/// Safe to call concurrently.
/// </summary>
internal sealed class BulkSwitch
{
    private readonly ContactWriteMode _mode;
    private readonly BulkWriteOptions _options;
    private int _writes;
    private int _refused;

    public BulkSwitch(ContactWriteMode mode, BulkWriteOptions options)
    {
        _mode = mode;
        _options = options;
    }

    /// <summary>
    /// True once writes go in bulk: from the start in Bulk mode, from the threshold on in Auto; never again once
    /// Intercom refused the bulk requests as such (<see cref="Refuse"/>).
    /// </summary>
    public bool IsBulk =>
        Volatile.Read(ref _refused) == 0
        && (_mode == ContactWriteMode.Bulk
            || (_mode == ContactWriteMode.Auto && Volatile.Read(ref _writes) >= _options.AutoThreshold));

    /// <summary>Turns bulk off for good; true the first time.</summary>
    public bool Refuse() => Interlocked.Exchange(ref _refused, 1) == 0;

    /// <summary>Raised once, when Auto reaches its threshold and the writes from then on go in bulk.</summary>
    public event Action? WentBulk;

    /// <summary>Counts a write; true when it goes in bulk, false when the caller writes it one by one.</summary>
    public bool CountWrite()
    {
        var count = Interlocked.Increment(ref _writes);
        if (_mode == ContactWriteMode.Auto && count == _options.AutoThreshold)
        {
            WentBulk?.Invoke();
        }

        return IsBulk;
    }
}
