using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Sync;

/// <summary>
/// One async lock per key, made on first use and dropped when nobody holds or waits for it: work for one key is
/// serialised while work for other keys runs freely (a fixed set of striped locks would also serialise unrelated
/// keys that share a stripe).
/// </summary>
internal sealed class KeyedGate
{
    private readonly object _gate = new object();
    private readonly Dictionary<string, Entry> _entries;

    public KeyedGate(IEqualityComparer<string> comparer) => _entries = new Dictionary<string, Entry>(comparer);

    public async Task<IDisposable> EnterAsync(string key, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                _entries[key] = entry = new Entry();
            }

            entry.Users++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(key, entry, release: false);
            throw;
        }

        return new Holder(this, key, entry);
    }

    private void Leave(string key, Entry entry, bool release)
    {
        if (release)
        {
            entry.Semaphore.Release();
        }

        lock (_gate)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(key);
            }
        }
    }

    private sealed class Entry
    {
        public readonly SemaphoreSlim Semaphore = new SemaphoreSlim(1, 1);
        public int Users;
    }

    private sealed class Holder : IDisposable
    {
        private readonly KeyedGate _owner;
        private readonly string _key;
        private readonly Entry _entry;
        private int _disposed;

        public Holder(KeyedGate owner, string key, Entry entry)
        {
            _owner = owner;
            _key = key;
            _entry = entry;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _owner.Leave(_key, _entry, release: true);
            }
        }
    }
}
