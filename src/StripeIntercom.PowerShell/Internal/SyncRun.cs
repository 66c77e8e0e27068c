using System;
using System.Diagnostics;
using System.Management.Automation;
using StripeIntercom.Intercom;
using StripeIntercom.Resilience;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal
{
    /// <summary>
    /// One sync as the cmdlets run it: the Intercom client and synchronizer, the dispatcher that runs customers
    /// concurrently, and what each result turns into on the pipeline (the object, a What if line, an error
    /// record for a failure, a warning for a conflict, progress) and in the summary.
    /// </summary>
    internal sealed class SyncRun : IDisposable
    {
        private const int ProgressActivityId = 0x5718;

        private readonly AsyncCmdlet _cmdlet;
        private readonly bool _writeResults;
        private readonly bool _whatIf;
        private readonly SyncDispatcher _dispatcher;
        private readonly ProgressTracker _progress;
        private readonly Stopwatch _elapsed = Stopwatch.StartNew();

        public SyncRun(AsyncCmdlet cmdlet, IntercomClient intercom, ResilienceCounters counters, AttributeMap map, SyncOptions options, int throttleLimit, bool writeResults)
        {
            Counters = counters;
            _cmdlet = cmdlet;
            _writeResults = writeResults;
            _whatIf = options.WhatIf;
            Intercom = intercom;
            Synchronizer = new ContactSynchronizer(intercom, map, options, new CmdletLogger(cmdlet));
            Summary = new SyncSummary { WhatIf = options.WhatIf };
            _dispatcher = new SyncDispatcher(cmdlet, Synchronizer, throttleLimit, OnResult, CancellationTokenOf(cmdlet));
            _progress = new ProgressTracker(cmdlet, ProgressActivityId, options.WhatIf ? "Planning Intercom changes (WhatIf)" : "Syncing Stripe customers to Intercom");
        }

        public IntercomClient Intercom { get; }
        /// <summary>Retries, 429s and pacing waits of both services during this run.</summary>
        public ResilienceCounters Counters { get; }
        public ContactSynchronizer Synchronizer { get; }
        public SyncSummary Summary { get; }
        public long? ExpectedCustomers { get; set; }

        /// <summary>Called on the pipeline thread for each result, in input order (checkpoints hang off it).</summary>
        public Action<SyncResult>? ResultObserver { get; set; }

        /// <summary>Pipeline thread: queues a customer, waiting while every writer is busy.</summary>
        public void Submit(CustomerProfile profile) => _dispatcher.Submit(profile);

        /// <summary>Pipeline thread: reports a customer that was not synced (declined at a -Confirm prompt).</summary>
        public void Skip(CustomerProfile profile, string reason) =>
            OnResult(new SyncResult { CustomerId = profile.Id, Email = profile.Email, Action = SyncAction.Skipped, Error = reason });

        /// <summary>Pipeline thread: waits for the syncs in flight and completes the summary.</summary>
        /// <summary>Pipeline thread: waits until every customer submitted so far is done and reported.</summary>
        public void Drain() => _dispatcher.Complete();

        public SyncSummary Complete(long stripeCalls)
        {
            try
            {
                Drain();
            }
            finally
            {
                _progress.Complete();
            }

            Summary.Duration = _elapsed.Elapsed;
            Summary.StripeCalls = stripeCalls;
            Summary.IntercomCalls = Intercom.ApiCalls.Total;
            Summary.IntercomWrites = Intercom.ApiCalls.Writes;
            Summary.Retries = Counters.Retries;
            Summary.ThrottledResponses = Counters.ThrottledResponses;
            return Summary;
        }

        private void OnResult(SyncResult result)
        {
            Summary.Add(result);
            ResultObserver?.Invoke(result);
            if (result.WhatIf)
            {
                // Under -WhatIf ShouldProcess only prints, so the line can say exactly what would change.
                _cmdlet.ShouldProcess(DescribeTarget(result), DescribeAction(result));
            }

            if (_writeResults)
            {
                _cmdlet.WriteObject(result);
            }

            switch (result.Action)
            {
                case SyncAction.Failed:
                    _cmdlet.WriteError(new ErrorRecord(
                        result.Exception ?? new InvalidOperationException(result.Error),
                        "SyncFailed",
                        CategoryOf(result.Exception),
                        result.CustomerId)
                    { ErrorDetails = new ErrorDetails(result.Error ?? $"Stripe customer {result.CustomerId} could not be synced.") });
                    break;
                case SyncAction.Conflict:
                    _cmdlet.WriteWarning($"Stripe customer {result.CustomerId} ({result.Email}) matches several Intercom contacts ({string.Join(", ", result.Candidates)}); nothing was written for it.");
                    break;
            }

            _progress.Report(Summary.Customers, ExpectedCustomers, () =>
                $"{Summary.Created} created, {Summary.Updated} updated, {Summary.Unchanged} unchanged, {Summary.Failed} failed, {Intercom.ApiCalls.Total} Intercom calls");
        }

        private static string DescribeTarget(SyncResult result) =>
            result.ContactId is null ? $"Stripe customer {result.CustomerId} ({result.Email})" : $"Intercom contact {result.ContactId} for Stripe customer {result.CustomerId}";

        private static string DescribeAction(SyncResult result)
        {
            if (result.Changes.Count == 0)
            {
                return result.Action.ToString();
            }

            return $"{result.Action}: " + string.Join("; ", System.Linq.Enumerable.Select(result.Changes, c => c.ToString()));
        }

        private static ErrorCategory CategoryOf(Exception? error)
        {
            switch (error)
            {
                case IntercomApiException api when (int)api.StatusCode == 429 || (int)api.StatusCode >= 500:
                    return ErrorCategory.ResourceUnavailable;
                case IntercomApiException api when (int)api.StatusCode == 400 || (int)api.StatusCode == 422:
                    return ErrorCategory.InvalidData;
                case System.Net.Http.HttpRequestException _:
                case System.IO.IOException _:
                    return ErrorCategory.ConnectionError;
                case TimeoutException _:
                    return ErrorCategory.OperationTimeout;
                default:
                    return ErrorCategory.NotSpecified;
            }
        }

        private static System.Threading.CancellationToken CancellationTokenOf(AsyncCmdlet cmdlet) => cmdlet.RunCancellationToken;

        public void Dispose() => _dispatcher.Dispose();
    }
}
