using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// Runs a cmdlet's asynchronous library work off the pipeline thread while that thread carries out the work's
/// writes. PowerShell lets only the pipeline thread write output, errors, verbose lines and progress, so the work
/// posts each write here and <see cref="PumpUntil"/> runs them in order. The queue is bounded so a slow pipeline
/// slows the producer instead of buffering every customer. <see cref="Cancel"/> (StopProcessing) cancels the work.
/// </summary>
internal sealed class PipelineBridge : IDisposable
{
    private const int PendingWriteLimit = 1024;
    private static readonly Action Wake = () => { };

    private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
    private readonly BlockingCollection<Action> _writes = new BlockingCollection<Action>(PendingWriteLimit);
    private int _pipelineThreadId = -1;

    public CancellationToken CancellationToken => _cancellation.Token;

    public bool IsPipelineThread => Thread.CurrentThread.ManagedThreadId == _pipelineThreadId;

    /// <summary>Call from BeginProcessing: the thread that may write.</summary>
    public void BindToCurrentThread() => _pipelineThreadId = Thread.CurrentThread.ManagedThreadId;

    /// <summary>From StopProcessing (any thread).</summary>
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

    /// <summary>Runs <paramref name="work"/> off the pipeline thread, carrying out its posted writes here.</summary>
    /// <exception cref="PipelineStoppedException">The work was cancelled because the pipeline is stopping.</exception>
    public void Run(Func<CancellationToken, Task> work)
    {
        var token = _cancellation.Token;
        var task = Task.Run(() => work(token), token);
        PumpUntil(task);
        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    public T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        T result = default!;
        Run(async token => { result = await work(token).ConfigureAwait(false); });
        return result;
    }

    /// <summary>
    /// Carries out posted writes until <paramref name="task"/> ends, then the writes it left behind. If a write throws
    /// (the pipeline is stopping: Ctrl+C, Select-Object -First, an error downstream), the work is cancelled and allowed
    /// to finish, so nothing is left half-written, and the exception goes on.
    /// </summary>
    public void PumpUntil(Task task)
    {
        _ = task.ContinueWith(_ => _writes.TryAdd(Wake), TaskScheduler.Default);
        try
        {
            while (!task.IsCompleted)
            {
                _writes.Take()();
            }

            while (_writes.TryTake(out var write))
            {
                write();
            }
        }
        catch
        {
            Cancel();
            DrainUntilQuiet(task);
            throw;
        }
    }

    /// <summary>Queues a write for the pipeline thread; runs it at once when called there. Safe from any
    /// thread.</summary>
    public void Post(Action write)
    {
        if (IsPipelineThread)
        {
            write();
            return;
        }

        try
        {
            _writes.Add(write, _cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            // The pipeline is stopping; nobody is left to read this write.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Runs <paramref name="work"/> on the pipeline thread (it must be pumping) and awaits its
    /// result.</summary>
    public Task<T> OnPipelineThread<T>(Func<T> work)
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

    /// <summary>Lets cancelled work finish, discarding its writes so it is never blocked on a full queue.</summary>
    private void DrainUntilQuiet(Task task)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!task.IsCompleted && DateTime.UtcNow < deadline)
        {
            if (_writes.TryTake(out var write, 50))
            {
                // A draft waiting for the pipeline thread must not wait forever: run what is not a pipeline write.
                TryRunQuietly(write);
            }
        }
    }

    private static void TryRunQuietly(Action write)
    {
        try
        {
            write();
        }
        catch (Exception)
        {
            // The pipeline is stopping: its writes fail, which is expected here.
        }
    }

    public void Dispose()
    {
        _cancellation.Dispose();
        _writes.Dispose();
    }
}
