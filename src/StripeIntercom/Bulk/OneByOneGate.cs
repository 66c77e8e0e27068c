using System;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Bulk;

/// <summary>
/// Lets the writes a bulk writer hands back (below Auto's threshold, or rejected by a job) through no more at a time
/// than the run's throttle limit: a run writing in bulk keeps many more items in flight than it would make calls at a
/// time, as a run writing one by one would.
/// </summary>
internal sealed class OneByOneGate
{
    private readonly SemaphoreSlim _gate;

    /// <param name="throttleLimit">Writes made one by one at a time (the run's syncs at a time).</param>
    public OneByOneGate(int throttleLimit) => _gate = new SemaphoreSlim(Math.Max(1, throttleLimit));

    /// <summary>A turn to write one by one; dispose it when the write is done.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(_gate);
    }

    private sealed class Turn : IDisposable
    {
        private SemaphoreSlim? _gate;

        public Turn(SemaphoreSlim gate) => _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
    }
}
