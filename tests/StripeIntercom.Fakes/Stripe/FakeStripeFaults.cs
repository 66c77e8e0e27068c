namespace StripeIntercom.Fakes.Stripe;

/// <summary>Queue of pending failures: the next N requests (optionally only on one route) fail.</summary>
public sealed class FakeStripeFaults
{
    private readonly object _sync = new();
    private readonly List<(FakeStripeFault Fault, int Remaining)> _pending = new();

    /// <param name="route">"GET /v1/customers" or "/v1/customers"; null for any route.</param>
    public void Inject(int count, int status = 500, bool resetConnection = false, string? route = null)
    {
        lock (_sync)
        {
            _pending.Add((new FakeStripeFault(status, resetConnection, route), count));
        }
    }

    public int Pending { get { lock (_sync) { return _pending.Sum(p => p.Remaining); } } }

    public void Clear()
    {
        lock (_sync)
        {
            _pending.Clear();
        }
    }

    public FakeStripeFault? Take(string routeKey)
    {
        lock (_sync)
        {
            for (var i = 0; i < _pending.Count; i++)
            {
                var (fault, remaining) = _pending[i];
                if (fault.Route is not null && fault.Route != routeKey
                    && !routeKey.EndsWith(" " + fault.Route, StringComparison.Ordinal))
                {
                    continue;
                }

                if (remaining <= 1)
                {
                    _pending.RemoveAt(i);
                }
                else
                {
                    _pending[i] = (fault, remaining - 1);
                }

                return fault;
            }
            return null;
        }
    }
}
