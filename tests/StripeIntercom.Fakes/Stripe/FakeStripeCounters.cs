using System.Collections.Concurrent;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>Requests received per route template ("GET /v1/customers/{id}") and in total, rejected ones
/// included.</summary>
public sealed class FakeStripeCounters
{
    private readonly ConcurrentDictionary<string, long> _byRoute = new(StringComparer.Ordinal);
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public long For(string route) => _byRoute.TryGetValue(route, out var count) ? count : 0;

    public IReadOnlyDictionary<string, long> Snapshot() =>
        new SortedDictionary<string, long>(_byRoute, StringComparer.Ordinal);

    public void Record(string route)
    {
        _byRoute.AddOrUpdate(route, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
    }

    public void Reset()
    {
        _byRoute.Clear();
        Interlocked.Exchange(ref _total, 0);
    }
}
