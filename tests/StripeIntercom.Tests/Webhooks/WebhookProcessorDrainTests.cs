using System.Diagnostics;
using StripeIntercom.Intercom;
using StripeIntercom.Sync;
using StripeIntercom.Webhooks;
using Xunit;

namespace StripeIntercom.Tests.Webhooks;

public sealed class WebhookProcessorDrainTests
{
    [Fact]
    public async Task An_error_that_stops_processing_while_the_processor_drains_ends_the_drain_at_once()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fail = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var processor = new WebhookProcessor(async (customerId, token) =>
        {
            started.TrySetResult();
            await fail.Task;
            throw new IntercomAuthenticationException("unauthorized", "Access Token Invalid", null);
#pragma warning disable CS0162 // the delegate must return a result
            return new SyncResult { CustomerId = customerId };
#pragma warning restore CS0162
        });
        Assert.True(processor.Enqueue(
            new WebhookDelivery("evt_drain_1", "customer.updated", DateTimeOffset.UtcNow, "cus_drain", true)));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var watch = Stopwatch.StartNew();
        using var drainLimit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var draining = processor.StopAsync(drainLimit.Token);
        fail.SetResult();
        await draining.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the drain waited {watch.Elapsed}");
        Assert.False(drainLimit.IsCancellationRequested);
        Assert.IsType<IntercomAuthenticationException>(processor.StopError);
    }
}
