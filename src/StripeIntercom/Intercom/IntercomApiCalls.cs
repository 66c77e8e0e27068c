using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;

namespace StripeIntercom.Intercom;

/// <summary>Calls this client made, by route template ("PUT /contacts/{id}"); safe to update from many
/// threads.</summary>
public sealed class IntercomApiCalls
{
    private readonly ConcurrentDictionary<string, long> _byRoute = new ConcurrentDictionary<string, long>();
    private long _total;
    private long _writes;

    public long Total => Interlocked.Read(ref _total);
    public long Writes => Interlocked.Read(ref _writes);
    public long Reads => Total - Writes;
    public IReadOnlyDictionary<string, long> ByRoute => new Dictionary<string, long>(_byRoute);

    internal void Count(string route, bool isWrite)
    {
        _byRoute.AddOrUpdate(route, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
        if (isWrite)
        {
            Interlocked.Increment(ref _writes);
        }
    }
}
