using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>API calls received, per route template ("PUT /contacts/{id}"), split into reads and writes.</summary>
public sealed class FakeIntercomCounters
{
    private readonly ConcurrentDictionary<string, int> _byRoute = new(StringComparer.Ordinal);
    private int _total;
    private int _reads;
    private int _writes;

    public int Total => Volatile.Read(ref _total);
    public int Reads => Volatile.Read(ref _reads);
    public int Writes => Volatile.Read(ref _writes);
    public IReadOnlyDictionary<string, int> ByRoute => new Dictionary<string, int>(_byRoute);
    public int this[string route] => _byRoute.TryGetValue(route, out var n) ? n : 0;

    // Search and the company list are POSTs but change nothing, so they count as reads.
    public static bool IsWrite(string route) =>
        !route.StartsWith("GET ", StringComparison.Ordinal) && route != "POST /contacts/search"
            && route != "POST /companies/list";

    public void Count(string route)
    {
        _byRoute.AddOrUpdate(route, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
        if (IsWrite(route))
        {
            Interlocked.Increment(ref _writes);
        }
        else
        {
            Interlocked.Increment(ref _reads);
        }
    }

    public void Reset()
    {
        _byRoute.Clear();
        Interlocked.Exchange(ref _total, 0);
        Interlocked.Exchange(ref _reads, 0);
        Interlocked.Exchange(ref _writes, 0);
    }

    public JsonObject ToJson()
    {
        var routes = new JsonObject();
        foreach (var (route, n) in ByRoute.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            routes[route] = n;
        }

        return new JsonObject { ["total"] = Total, ["reads"] = Reads, ["writes"] = Writes, ["routes"] = routes };
    }
}
