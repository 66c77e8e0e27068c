using StripeIntercom.Runs;
using Xunit;

namespace StripeIntercom.Tests.Runs;

/// <summary>
/// <see cref="WorkPump"/>: work runs off the owner thread, and what it posts runs on the owner thread, in order.
/// </summary>
public class WorkPumpTests
{
    [Fact]
    public void Runs_posted_actions_on_the_owner_thread_in_the_order_posted()
    {
        using var pump = new WorkPump(pendingActionLimit: 4);
        pump.BindToCurrentThread();
        var owner = Environment.CurrentManagedThreadId;
        var seen = new List<(int Value, int Thread)>();

        var workThread = pump.Run(async token =>
        {
            for (var i = 0; i < 50; i++)
            {
                var value = i;
                pump.Post(() => seen.Add((value, Environment.CurrentManagedThreadId)));
                await Task.Yield();
            }

            return Environment.CurrentManagedThreadId;
        });

        Assert.NotEqual(owner, workThread);
        Assert.Equal(Enumerable.Range(0, 50), seen.Select(s => s.Value));
        Assert.All(seen, s => Assert.Equal(owner, s.Thread));
    }

    [Fact]
    public void Post_on_the_owner_thread_runs_at_once()
    {
        using var pump = new WorkPump();
        pump.BindToCurrentThread();
        var ran = false;

        pump.Post(() => ran = true);

        Assert.True(ran);
    }

    [Fact]
    public void Evaluates_computed_attributes_on_the_owner_thread()
    {
        using var pump = new WorkPump();
        pump.BindToCurrentThread();
        var owner = Environment.CurrentManagedThreadId;
        IComputedAttributeHost host = pump;

        var evaluatedOn = pump.Run(token => host.RunAsync(() => Environment.CurrentManagedThreadId, token));

        Assert.Equal(owner, evaluatedOn);
    }

    [Fact]
    public void Cancel_ends_the_work_with_OperationCanceledException()
    {
        using var pump = new WorkPump();
        pump.BindToCurrentThread();

        var error = Assert.ThrowsAny<OperationCanceledException>(() => pump.Run(async token =>
        {
            pump.Post(pump.Cancel);
            await Task.Delay(Timeout.Infinite, token);
        }));

        Assert.True(pump.CancellationToken.IsCancellationRequested);
        Assert.NotNull(error);
    }

    [Fact]
    public void An_action_that_throws_cancels_the_work_and_lets_it_finish()
    {
        using var pump = new WorkPump();
        pump.BindToCurrentThread();
        var finished = new TaskCompletionSource();
        var work = Task.Run(async () =>
        {
            pump.Post(() => throw new InvalidOperationException("the pipeline is stopping"));
            try
            {
                await Task.Delay(Timeout.Infinite, pump.CancellationToken);
            }
            finally
            {
                finished.SetResult();
            }
        });

        Assert.Throws<InvalidOperationException>(() => pump.PumpUntil(work));

        Assert.True(pump.CancellationToken.IsCancellationRequested);
        Assert.True(finished.Task.IsCompleted);
    }
}
