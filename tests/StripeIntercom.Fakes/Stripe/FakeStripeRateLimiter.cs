using System.Diagnostics;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>Sliding one-second window; the limit is read on every request so tests can change it while running (0 =
/// off).</summary>
public sealed class FakeStripeRateLimiter(Func<int> requestsPerSecond)
{
    private readonly Queue<long> _recent = new();

    public bool TryAcquire()
    {
        var limit = requestsPerSecond();
        if (limit <= 0)
        {
            return true;
        }

        var now = Stopwatch.GetTimestamp();
        lock (_recent)
        {
            while (_recent.Count > 0 && Stopwatch.GetElapsedTime(_recent.Peek(), now) >= TimeSpan.FromSeconds(1))
            {
                _recent.Dequeue();
            }

            if (_recent.Count >= limit)
            {
                return false;
            }

            _recent.Enqueue(now);
            return true;
        }
    }
}
