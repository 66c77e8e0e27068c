using System.Runtime.CompilerServices;
using StripeIntercom.Stripe;
using Xunit;

namespace StripeIntercom.Tests.Stripe;

public sealed class ReadAheadTests
{
    [Fact]
    public async Task Items_arrive_in_order_and_the_source_runs_only_so_far_ahead()
    {
        var produced = 0;
        await using var items = ReadAhead.Of(Numbers(20, () => produced++), itemsAhead: 3).GetAsyncEnumerator();
        Assert.True(await items.MoveNextAsync());
        Assert.Equal(0, items.Current);
        await Task.Delay(200);
        // Three queued (the one held among them) and the next waiting for room.
        Assert.Equal(4, Volatile.Read(ref produced));

        var seen = new List<int> { items.Current };
        while (await items.MoveNextAsync())
        {
            seen.Add(items.Current);
        }

        Assert.Equal(Enumerable.Range(0, 20), seen);
    }

    [Fact]
    public async Task A_failing_source_fails_the_consumer_after_the_items_before_the_failure()
    {
        var seen = new List<int>();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var item in ReadAhead.Of(Numbers(5, failAfter: 3), itemsAhead: 8))
            {
                seen.Add(item);
            }
        });

        Assert.Equal(new[] { 0, 1, 2 }, seen);
        Assert.Equal("source failed after 3", error.Message);
    }

    [Fact]
    public async Task A_consumer_that_stops_early_cancels_the_source()
    {
        var sourceCancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await foreach (var _ in ReadAhead.Of(Endless(sourceCancelled), itemsAhead: 2))
        {
            break;
        }

        Assert.True(await sourceCancelled.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    private static async IAsyncEnumerable<int> Numbers(int count, Action? onProduced = null, int? failAfter = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            if (i == failAfter)
            {
                throw new InvalidOperationException($"source failed after {i}");
            }

            onProduced?.Invoke();
            yield return i;
        }
    }

    private static async IAsyncEnumerable<int> Endless(TaskCompletionSource<bool> cancelled,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var registration = cancellationToken.Register(() => cancelled.TrySetResult(true));
        for (var i = 0; ; i++)
        {
            await Task.Delay(5, CancellationToken.None);
            yield return i;
        }
    }
}
