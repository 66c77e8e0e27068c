using StripeIntercom.Bulk;
using Xunit;

namespace StripeIntercom.Tests.Bulk;

/// <summary>
/// When a partial batch leaves: after the flush delay, or once its writes stop coming at the run's end.
/// </summary>
public sealed class BulkQueueTests
{
    // Far apart, so that which of the two a batch waited for is never in doubt.
    private static readonly BulkWriteOptions Options = new()
    {
        FlushDelay = TimeSpan.FromSeconds(10),
        LastBatchQuiet = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public async Task A_partial_batch_waits_for_more_writes_during_the_run()
    {
        var sent = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = new BulkQueue<Item>(Options, batch => Sent(sent, batch));
        queue.Add(new Item());
        queue.Add(new Item());

        await Task.Delay(500);
        Assert.False(sent.Task.IsCompleted);
    }

    [Fact]
    public async Task Once_the_run_has_read_its_last_customer_the_last_batch_leaves_when_its_writes_stop_coming()
    {
        var sent = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = new BulkQueue<Item>(Options, batch => Sent(sent, batch));
        queue.Add(new Item());
        queue.FinishSoon();
        // The writes of customers still in flight keep coming for a moment, and go in the same batch.
        queue.Add(new Item());
        queue.Add(new Item());

        Assert.Equal(3, await sent.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_full_batch_leaves_at_once()
    {
        var sent = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = new BulkQueue<Item>(new BulkWriteOptions { BatchSize = 3, FlushDelay = TimeSpan.FromSeconds(10) },
            batch => Sent(sent, batch));
        for (var i = 0; i < 3; i++)
        {
            queue.Add(new Item());
        }

        Assert.Equal(3, await sent.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    private static Task Sent(TaskCompletionSource<int> sent, IReadOnlyList<Item> batch)
    {
        sent.TrySetResult(batch.Count);
        return Task.CompletedTask;
    }

    private sealed class Item() : BulkItem<bool>(CancellationToken.None);
}
