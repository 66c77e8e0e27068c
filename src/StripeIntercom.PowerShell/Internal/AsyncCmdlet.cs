using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.PowerShell.Internal
{
    /// <summary>
    /// A cmdlet whose work is asynchronous library code. PowerShell lets only the pipeline thread write output,
    /// errors, verbose lines and progress, so work runs on the thread pool and posts each write back here, where
    /// <see cref="PumpUntil"/> carries them out in order. The queue is bounded so a slow pipeline slows the
    /// producer instead of buffering every customer. Ctrl+C (StopProcessing) cancels the work's token.
    /// </summary>
    public abstract class AsyncCmdlet : PSCmdlet, IDisposable
    {
        private const int PendingWriteLimit = 1024;
        private static readonly Action Wake = () => { };

        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private readonly BlockingCollection<Action> _writes = new BlockingCollection<Action>(PendingWriteLimit);
        private int _pipelineThreadId = -1;

        protected CancellationToken CancellationToken => _cancellation.Token;

        internal CancellationToken RunCancellationToken => _cancellation.Token;

        protected override void BeginProcessing() => _pipelineThreadId = Thread.CurrentThread.ManagedThreadId;

        protected override void StopProcessing() => _cancellation.Cancel();

        /// <summary>Runs <paramref name="work"/> off the pipeline thread, carrying out its posted writes here.</summary>
        protected internal void Run(Func<CancellationToken, Task> work)
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

        /// <summary>
        /// Carries out posted writes until <paramref name="task"/> ends, then the writes it left behind.
        /// If a write throws (the pipeline is stopping: Ctrl+C, Select-Object -First, an error downstream),
        /// the work is cancelled and allowed to finish, so nothing is left half-written, and the exception goes on.
        /// </summary>
        protected internal void PumpUntil(Task task)
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
                _cancellation.Cancel();
                DrainUntilQuiet(task);
                throw;
            }
        }

        /// <summary>Waits for the next posted write and carries it out.</summary>
        protected internal void PumpOnce()
        {
            try
            {
                _writes.Take(_cancellation.Token)();
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Queues a write for the pipeline thread. Safe to call from any thread.</summary>
        protected internal void Post(Action<AsyncCmdlet> write)
        {
            if (Thread.CurrentThread.ManagedThreadId == _pipelineThreadId)
            {
                write(this);
                return;
            }

            try
            {
                _writes.Add(() => write(this), _cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                // The pipeline is stopping; nobody is left to read this write.
            }
        }

        /// <summary>Runs <paramref name="work"/> on the pipeline thread (it must be pumping) and awaits its result.</summary>
        protected internal Task<T> OnPipelineThread<T>(Func<T> work)
        {
            var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(_ =>
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
            return done.Task;
        }

        protected void PostObject(object item) => Post(cmdlet => cmdlet.WriteObject(item));

        protected void PostError(ErrorRecord error) => Post(cmdlet => cmdlet.WriteError(error));

        /// <summary>Lets cancelled work finish, discarding its writes so it is never blocked on a full queue.</summary>
        private void DrainUntilQuiet(Task task)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!task.IsCompleted && DateTime.UtcNow < deadline)
            {
                _writes.TryTake(out _, 50);
            }
        }

        public void Dispose()
        {
            _cancellation.Dispose();
            _writes.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
