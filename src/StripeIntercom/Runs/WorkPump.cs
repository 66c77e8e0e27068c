using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Runs;

/// <summary>
/// Runs asynchronous work off an owner thread while that thread carries out the actions the work posts, in order.
/// PowerShell lets only the pipeline thread write output, errors, verbose lines and progress, so a cmdlet's work
/// posts each write here and <see cref="PumpUntil"/> runs them there. The queue is bounded so a slow owner slows the
/// producer instead of buffering every customer. <see cref="Cancel"/> (StopProcessing) cancels the work. As an
/// <see cref="IComputedAttributeHost"/> it evaluates computed attributes on the owner thread.
/// </summary>
public sealed class WorkPump : IComputedAttributeHost, IDisposable
{
    private const int PendingActionLimit = 1024;
    private static readonly Action Wake = () => { };

    private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
    private readonly BlockingCollection<Action> _actions;
    private int _ownerThreadId = -1;

    public WorkPump(int pendingActionLimit = PendingActionLimit) =>
        _actions = new BlockingCollection<Action>(pendingActionLimit);

    public CancellationToken CancellationToken => _cancellation.Token;

    public bool IsOwnerThread => Thread.CurrentThread.ManagedThreadId == _ownerThreadId;

    /// <summary>Makes the calling thread the one that carries out posted actions (a cmdlet's
    /// BeginProcessing).</summary>
    public void BindToCurrentThread() => _ownerThreadId = Thread.CurrentThread.ManagedThreadId;

    /// <summary>Cancels the work; safe from any thread (a cmdlet's StopProcessing).</summary>
    public void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Runs <paramref name="work"/> off this thread, carrying out its posted actions here.</summary>
    /// <exception cref="OperationCanceledException">The work was cancelled through <see cref="Cancel"/>.</exception>
    public void Run(Func<CancellationToken, Task> work)
    {
        var token = _cancellation.Token;
        var task = Task.Run(() => work(token), token);
        PumpUntil(task);
        task.GetAwaiter().GetResult();
    }

    public T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        T result = default!;
        Run(async token => { result = await work(token).ConfigureAwait(false); });
        return result;
    }

    /// <summary>
    /// Carries out posted actions until <paramref name="task"/> ends, then the actions it left behind. If an action
    /// throws (in PowerShell: the pipeline is stopping, by Ctrl+C, Select-Object -First or an error downstream), the
    /// work is cancelled and allowed to finish, so nothing is left half-written, and the exception goes on.
    /// </summary>
    public void PumpUntil(Task task)
    {
        _ = task.ContinueWith(_ => _actions.TryAdd(Wake), TaskScheduler.Default);
        try
        {
            while (!task.IsCompleted)
            {
                _actions.Take()();
            }

            while (_actions.TryTake(out var action))
            {
                action();
            }
        }
        catch
        {
            Cancel();
            DrainUntilQuiet(task);
            throw;
        }
    }

    /// <summary>Queues an action for the owner thread; runs it at once when called there. Safe from any
    /// thread.</summary>
    public void Post(Action action)
    {
        if (IsOwnerThread)
        {
            action();
            return;
        }

        try
        {
            _actions.Add(action, _cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            // The work is stopping; nobody is left to carry out this action.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Runs <paramref name="work"/> on the owner thread (it must be pumping) and awaits its result.</summary>
    public Task<T> OnOwnerThread<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        if (_cancellation.IsCancellationRequested)
        {
            done.TrySetCanceled();
        }

        return done.Task;
    }

    Task<T> IComputedAttributeHost.RunAsync<T>(Func<T> evaluate, CancellationToken cancellationToken) =>
        OnOwnerThread(evaluate);

    /// <summary>Lets cancelled work finish, discarding its actions so it is never blocked on a full queue.</summary>
    private void DrainUntilQuiet(Task task)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!task.IsCompleted && DateTime.UtcNow < deadline)
        {
            if (_actions.TryTake(out var action, 50))
            {
                // A draft waiting for the owner thread must not wait forever: run what is not a pipeline write.
                TryRunQuietly(action);
            }
        }
    }

    private static void TryRunQuietly(Action action)
    {
        try
        {
            action();
        }
        catch (Exception)
        {
            // The owner is stopping: its writes fail, which is expected here.
        }
    }

    public void Dispose()
    {
        _cancellation.Dispose();
        _actions.Dispose();
    }
}
