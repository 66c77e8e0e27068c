using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Intercom;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal
{
    /// <summary>
    /// Runs up to ThrottleLimit customer syncs at once while the pipeline thread keeps feeding profiles, and
    /// hands results back on the pipeline thread in input order (a slow customer holds back the reports of the
    /// ones after it, never their writes). Drafts are built on the pipeline thread because computed attributes
    /// are scriptblocks. A rejected Intercom token stops the whole run: the other syncs are cancelled and the
    /// exception comes out of <see cref="Submit"/> or <see cref="Complete"/>.
    /// </summary>
    internal sealed class SyncDispatcher : IDisposable
    {
        private readonly AsyncCmdlet _cmdlet;
        private readonly ContactSynchronizer _synchronizer;
        private readonly Action<SyncResult> _onResult;
        private readonly int _throttleLimit;
        private readonly SemaphoreSlim _slots;
        private readonly CancellationTokenSource _cancellation;
        private readonly Dictionary<long, SyncResult?> _finished = new Dictionary<long, SyncResult?>();
        private long _nextSequence;
        private long _nextToReport;
        private Exception? _fatal;

        public SyncDispatcher(AsyncCmdlet cmdlet, ContactSynchronizer synchronizer, int throttleLimit, Action<SyncResult> onResult, CancellationToken cancellationToken)
        {
            _cmdlet = cmdlet;
            _synchronizer = synchronizer;
            _throttleLimit = throttleLimit;
            _onResult = onResult;
            _slots = new SemaphoreSlim(throttleLimit, throttleLimit);
            _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        }

        /// <summary>Pipeline thread only. Waits (carrying out posted writes) while every slot is busy.</summary>
        public void Submit(CustomerProfile profile)
        {
            ThrowIfFatal();
            _cmdlet.PumpUntil(_slots.WaitAsync(_cancellation.Token));
            ThrowIfFatal();
            _cancellation.Token.ThrowIfCancellationRequested();

            var sequence = _nextSequence++;
            ContactDraft draft;
            try
            {
                draft = _synchronizer.BuildDraft(profile);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _slots.Release();
                Report(sequence, Failed(profile, ex, "computing its attributes"));
                return;
            }

            var token = _cancellation.Token;
            Task.Run(() => _synchronizer.SyncAsync(draft, token), token).ContinueWith(
                done =>
                {
                    _slots.Release();
                    _cmdlet.Post(_ => Finish(sequence, profile, done));
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
        }

        /// <summary>Pipeline thread only. Waits for every sync in flight and reports the rest.</summary>
        public void Complete()
        {
            for (var i = 0; i < _throttleLimit; i++)
            {
                _cmdlet.PumpUntil(WaitIgnoringCancellation());
            }

            _slots.Release(_throttleLimit);
            ThrowIfFatal();
        }

        private async Task WaitIgnoringCancellation()
        {
            try
            {
                await _slots.WaitAsync(_cancellation.IsCancellationRequested ? CancellationToken.None : _cancellation.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await _slots.WaitAsync().ConfigureAwait(false);
            }
        }

        private void Finish(long sequence, CustomerProfile profile, Task<SyncResult> done)
        {
            if (done.IsCanceled || (done.Exception?.InnerException is OperationCanceledException && _cancellation.IsCancellationRequested))
            {
                // Stopped before it finished: nothing to report, but the customers after it still are.
                Report(sequence, null);
                return;
            }

            var error = done.Exception?.GetBaseException();
            if (error is IntercomAuthenticationException)
            {
                _fatal ??= error;
                _cancellation.Cancel();
                Report(sequence, null);
                return;
            }

            Report(sequence, error is null ? done.Result : Failed(profile, error, "syncing it"));
        }

        private void Report(long sequence, SyncResult? result)
        {
            _finished[sequence] = result;
            while (_finished.TryGetValue(_nextToReport, out var next))
            {
                _finished.Remove(_nextToReport);
                _nextToReport++;
                if (next is not null)
                {
                    _onResult(next);
                }
            }
        }

        private static SyncResult Failed(CustomerProfile profile, Exception error, string stage) => new SyncResult
        {
            CustomerId = profile.Id,
            Email = profile.Email,
            Action = SyncAction.Failed,
            Error = $"Stripe customer {profile.Id} failed while {stage}: {error.Message}",
            Exception = error,
        };

        private void ThrowIfFatal()
        {
            if (_fatal is not null)
            {
                throw _fatal;
            }
        }

        public void Dispose()
        {
            _cancellation.Dispose();
            _slots.Dispose();
        }
    }
}
