using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Stripe;

/// <summary>
/// Runs an asynchronous sequence up to a number of items ahead of its consumer, in order, so that a consumer that
/// stops to wait (for another read, for Intercom) does not stop the sequence's own requests. A failure of the sequence
/// reaches the consumer after the items read before it; a consumer that stops early cancels the sequence.
/// </summary>
internal static class ReadAhead
{
    public static async IAsyncEnumerable<T> Of<T>(IAsyncEnumerable<T> source, int itemsAhead,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (itemsAhead < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(itemsAhead), "At least one item ahead is needed.");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var room = new SemaphoreSlim(itemsAhead);
        // Released once per item queued and once more when the source ends.
        using var ready = new SemaphoreSlim(0);
        var items = new ConcurrentQueue<T>();
        ExceptionDispatchInfo? failure = null;
        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in source.WithCancellation(stop.Token).ConfigureAwait(false))
                {
                    await room.WaitAsync(stop.Token).ConfigureAwait(false);
                    items.Enqueue(item);
                    ready.Release();
                }
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                ready.Release();
            }
        }, CancellationToken.None);

        try
        {
            while (true)
            {
                await ready.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (!items.TryDequeue(out var item))
                {
                    // The source's last signal: every item before it has been taken.
                    failure?.Throw();
                    yield break;
                }

                yield return item;
                room.Release();
            }
        }
        finally
        {
            stop.Cancel();
            await producer.ConfigureAwait(false);
        }
    }
}
