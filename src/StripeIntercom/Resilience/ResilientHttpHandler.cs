using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace StripeIntercom.Resilience;

/// <summary>
/// Sends each request through a Polly pipeline, outermost first: overall timeout (the whole request, waits included),
/// retry, circuit breaker (so every attempt counts towards the service's health), attempt timeout.
/// Retries 408, 429, 500, 502, 503, 504, connection failures and attempt timeouts; never another 4xx and never after
/// the caller cancelled. When retries run out the last response is returned (so the caller's status handling sees the
/// 429 or 5xx) or the last exception is thrown, unless the service is judged down.
/// <para>
/// The service is judged down by ratio (the circuit breaker, for runs busy enough to fill its sampling window) or by
/// time (<see cref="OutageDetector"/>: failures with no success between them for
/// <see cref="ResilienceOptions.OutageAfter"/>, or a request that used up its retries while nothing of the service
/// succeeded). Either way the handler is down for
/// <see cref="ResilienceOptions.BreakDuration"/>: requests in flight (waiting to retry, for the budget or for an
/// answer) are cancelled and new ones refused, all with <see cref="ServiceUnavailableException"/>, so a run stops in
/// seconds rather than each customer retrying for a minute. After the break requests go out again; if the streak goes
/// on the first failure judges the service down again, and the first success ends it.
/// </para>
/// One instance per service per run: the health of the service lives here.
/// </summary>
public sealed class ResilientHttpHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<RequestAttempts> AttemptsKey =
        new ResiliencePropertyKey<RequestAttempts>("StripeIntercom.RequestAttempts");

    private readonly ResilienceOptions _options;
    private readonly ResilienceCounters _counters;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly OutageDetector? _outage;
    private readonly object _downGate = new object();
    private TimeSpan _downUntil = TimeSpan.Zero;
    private CancellationTokenSource _downSignal = new CancellationTokenSource();
    private volatile string? _lastServiceFailure;

    public ResilientHttpHandler(ResilienceOptions options, ResilienceCounters counters, ILogger? logger = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _counters = counters ?? throw new ArgumentNullException(nameof(counters));
        _logger = logger ?? NullLogger.Instance;
        options.Validate();
        if (options.UseCircuitBreaker)
        {
            _outage = new OutageDetector(options.OutageAfter, options.MaxDelay + options.AttemptTimeout);
        }

        _pipeline = BuildPipeline();
    }

    public ResilientHttpHandler(ResilienceOptions options, ResilienceCounters counters, ILogger? logger,
        HttpMessageHandler innerHandler)
        : this(options, counters, logger)
    {
        InnerHandler = innerHandler;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        var body = await RequestBodySnapshot.CaptureAsync(request.Content).ConfigureAwait(false);
        var attempts = new RequestAttempts(request, body, cancellationToken);
        if (!TryEnter(out var down))
        {
            throw Unavailable(attempts, null);
        }

        attempts.AttachTo(request);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, down);
        var context = ResilienceContextPool.Shared.Get(linked.Token);
        context.Properties.Set(AttemptsKey, attempts);
        try
        {
            var response = await _pipeline.ExecuteAsync(
                static (ctx, state) => state.Handler.SendAttemptAsync(state.Attempts, ctx.CancellationToken),
                context,
                (Handler: this, Attempts: attempts)).ConfigureAwait(false);
            if (OutcomeClassifier.IsServiceFailure(response) && EndsInOutage(attempts))
            {
                response.Dispose();
                throw Unavailable(attempts, null);
            }

            return response;
        }
        catch (BrokenCircuitException broken)
        {
            throw Unavailable(attempts, broken);
        }
        catch (ServiceDownException)
        {
            throw Unavailable(attempts, null);
        }
        catch (OperationCanceledException cancelled) when (down.IsCancellationRequested
            && !cancellationToken.IsCancellationRequested)
        {
            // Judged down while this request waited to retry, for the budget or for an answer.
            throw Unavailable(attempts, cancelled);
        }
        catch (TimeoutRejectedException timeout) when (!cancellationToken.IsCancellationRequested)
        {
            if (timeout.Timeout == _options.AttemptTimeout && attempts.LastFailure is string && EndsInOutage(attempts))
            {
                throw Unavailable(attempts, timeout);
            }

            // Callers should not need Polly to recognise a timeout.
            var overall = timeout.Timeout != _options.AttemptTimeout || attempts.LastFailure is null;
            var reason = overall
                ? $"no result within {Format.Duration(_options.OverallTimeout)} " +
                    $"overall{(attempts.LastFailure is string last ? $" (last: {last})" : "")}"
                : attempts.LastFailure;
            throw new ServiceTimeoutException(
                _options.ServiceName,
                overall,
                $"{_options.ServiceName} {request.Method} {LogSafePath.Of(request.RequestUri)} timed out: {reason}; " +
                $"{attempts.Count} attempt{(attempts.Count == 1 ? "" : "s")}.",
                timeout);
        }
        catch (Exception failure) when (OutcomeClassifier.IsConnectionFailure(failure)
            && !cancellationToken.IsCancellationRequested && EndsInOutage(attempts))
        {
            throw Unavailable(attempts, failure);
        }
        finally
        {
            RequestAttempts.DetachFrom(request);
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>True when the service is down; else false and the token that is cancelled when it is judged
    /// down.</summary>
    private bool TryEnter(out CancellationToken down)
    {
        lock (_downGate)
        {
            down = _downSignal.Token;
            return MonotonicClock.Now >= _downUntil;
        }
    }

    private bool IsDown
    {
        get
        {
            lock (_downGate)
            {
                return MonotonicClock.Now < _downUntil;
            }
        }
    }

    /// <summary>True when a request that ends on a service failure should end as unavailable rather than with that
    /// failure.</summary>
    private bool EndsInOutage(RequestAttempts attempts) => IsDown || UsedUpRetriesInOutage(attempts);

    /// <summary>
    /// A request that used up its retries on service failures while nothing else of the service succeeded is an outage
    /// in itself, whatever the time it took. One whose retries ran out while other requests succeeded is not (a request
    /// the service cannot handle, not a service that is down): it fails on its own, and the run goes on.
    /// </summary>
    private bool UsedUpRetriesInOutage(RequestAttempts attempts)
    {
        if (_outage == null || attempts.Count <= _options.MaxRetries
            || !(attempts.FirstFailureAt is TimeSpan firstFailure))
        {
            return false;
        }

        if (!_outage.FailingWithoutSuccessSince(firstFailure))
        {
            return false;
        }

        JudgeDown(_options.BreakDuration);
        return true;
    }

    /// <summary>
    /// Enters the down state for <paramref name="breakDuration"/> (once, however many judge it at the same time) and
    /// cancels every request in flight. The cancellation runs on the thread pool: the caller may be inside Polly.
    /// </summary>
    private void JudgeDown(TimeSpan breakDuration)
    {
        CancellationTokenSource signalled;
        lock (_downGate)
        {
            var now = MonotonicClock.Now;
            if (now < _downUntil)
            {
                return;
            }

            _downUntil = now + breakDuration;
            signalled = _downSignal;
            _downSignal = new CancellationTokenSource();
        }

        _counters.RecordCircuitBreak();
        _logger.LogWarning(
            "{Service} keeps failing (last: {LastFailure}); requests to it fail at once for {BreakDuration}",
            _options.ServiceName, _lastServiceFailure ?? "unknown failure", Format.Duration(breakDuration));
        ThreadPool.QueueUserWorkItem(static state =>
        {
            var source = (CancellationTokenSource)state!;
            try
            {
                source.Cancel();
            }
            catch (AggregateException)
            {
                // A cancellation callback failed; the requests it belonged to still see their token cancelled.
            }
        }, signalled);
    }

    private ServiceUnavailableException Unavailable(RequestAttempts attempts, Exception? inner)
    {
        TimeSpan remaining;
        lock (_downGate)
        {
            remaining = _downUntil - MonotonicClock.Now;
        }

        var lastFailure = attempts.LastFailure ?? _lastServiceFailure ?? "unknown failure";
        return new ServiceUnavailableException(_options.ServiceName, lastFailure, attempts.Count,
            remaining > TimeSpan.Zero ? remaining : (TimeSpan?)null, inner);
    }

    private async ValueTask<HttpResponseMessage> SendAttemptAsync(RequestAttempts attempts,
        CancellationToken attemptToken)
    {
        // Not retried (not transient) and not counted against the circuit: the request fails as unavailable.
        if (IsDown)
        {
            throw new ServiceDownException();
        }

        attempts.Count++;
        attempts.ReachedTransport = true;
        if (attempts.Count > 1 && attempts.Body is RequestBodySnapshot body)
        {
            attempts.Request.Content = body.CreateContent();
        }

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(attempts.Request, attemptToken).ConfigureAwait(false);
            // The body is read inside the attempt, so that a connection cut mid-body is retried like any other
            // connection failure and the attempt timeout covers the whole exchange.
            await BufferedContent.ReadIntoAsync(response, attemptToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (OutcomeClassifier.IsConnectionFailure(exception)
            && !attemptToken.IsCancellationRequested)
        {
            _counters.RecordConnectionFailure();
            RecordServiceFailure(attempts, OutcomeClassifier.Describe(exception));
            throw;
        }

        if ((int)response.StatusCode == OutcomeClassifier.TooManyRequests)
        {
            _counters.RecordThrottledResponse();
        }
        else if (OutcomeClassifier.IsServiceFailure(response))
        {
            RecordServiceFailure(attempts, OutcomeClassifier.Describe(response));
        }
        // Any other answer, a 4xx included, shows the service working; a 429 shows nothing either way.
        else
        {
            _outage?.RecordSuccess(MonotonicClock.Now);
        }

        return response;
    }

    private void RecordServiceFailure(RequestAttempts attempts, string description)
    {
        attempts.LastFailure = description;
        _lastServiceFailure = description;
        var now = MonotonicClock.Now;
        attempts.FirstFailureAt ??= now;
        if (_outage != null && _outage.RecordFailure(attempts.SentAt, now))
        {
            JudgeDown(_options.BreakDuration);
        }
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = _options.OverallTimeout,
            OnTimeout = args =>
            {
                _counters.RecordTimeout();
                return default;
            },
        });
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.MaxRetries,
                Delay = _options.BaseDelay,
                MaxDelay = _options.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Outcome, args.Context)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(ServerRequestedDelay(args.Outcome)),
                OnRetry = args =>
                {
                    OnRetry(args);
                    return default;
                },
            });
        }
        if (_options.UseCircuitBreaker)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = _options.FailureRatio,
                SamplingDuration = _options.SamplingDuration,
                MinimumThroughput = _options.MinimumThroughput,
                BreakDuration = _options.BreakDuration,
                ShouldHandle = args => new ValueTask<bool>(OutcomeClassifier.IsServiceFailure(args.Outcome)
                    && !HeldBackByBudget(args.Outcome, args.Context)),
                OnOpened = args =>
                {
                    JudgeDown(args.BreakDuration);
                    return default;
                },
            });
        }
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = _options.AttemptTimeout,
            OnTimeout = args =>
            {
                _counters.RecordTimeout();
                if (!args.Context.Properties.TryGetValue(AttemptsKey, out var attempts))
                {
                    return default;
                }

                if (attempts.ReachedTransport)
                {
                    RecordServiceFailure(attempts, $"no answer within {Format.Duration(args.Timeout)}");
                }
                else
                {
                    attempts.LastFailure = $"held back by the rate-limit budget for {Format.Duration(args.Timeout)}";
                }
                return default;
            },
        });
        return builder.Build();
    }

    private static bool HeldBackByBudget(Outcome<HttpResponseMessage> outcome, ResilienceContext context) =>
        outcome.Exception is TimeoutRejectedException
        && context.Properties.TryGetValue(AttemptsKey, out var attempts)
        && !attempts.ReachedTransport;

    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        if (!context.Properties.TryGetValue(AttemptsKey, out var attempts))
        {
            return false;
        }
        // The context token is also cancelled by the overall timeout: no retry after that either.
        if (attempts.CallerToken.IsCancellationRequested || context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (!OutcomeClassifier.IsTransient(outcome) || IsDown)
        {
            return false;
        }

        // A server that asks for a longer wait than the request has left gets its answer back now rather than a
        // timeout later.
        var requestedWait = ServerRequestedDelay(outcome);
        return requestedWait is null || requestedWait.Value < _options.OverallTimeout - attempts.Elapsed;
    }

    /// <summary>
    /// Retry-After when present; else, for a 429, the X-RateLimit-Reset moment plus jitter (capped at MaxDelay against
    /// clock skew); else null, which lets Polly use exponential backoff with decorrelated jitter capped at MaxDelay.
    /// </summary>
    private TimeSpan? ServerRequestedDelay(Outcome<HttpResponseMessage> outcome)
    {
        if (!(outcome.Result is HttpResponseMessage response))
        {
            return null;
        }

        var now = DateTimeOffset.UtcNow;
        var headers = RateLimitHeaders.Read(response, now);
        if (headers.RetryAfter is TimeSpan retryAfter)
        {
            return retryAfter;
        }

        if ((int)response.StatusCode != OutcomeClassifier.TooManyRequests
            || !(headers.UntilReset is TimeSpan untilReset))
        {
            return null;
        }

        if (untilReset > _options.MaxDelay)
        {
            untilReset = _options.MaxDelay;
        }

        return untilReset + Jitter.UpTo(_options.RateLimitResetJitter);
    }

    private void OnRetry(OnRetryArguments<HttpResponseMessage> args)
    {
        _counters.RecordRetry();
        if (!_logger.IsEnabled(LogLevel.Warning) || !args.Context.Properties.TryGetValue(AttemptsKey, out var attempts))
        {
            return;
        }

        var failure = args.Outcome.Exception is Exception exception
            ? attempts.LastFailure ?? OutcomeClassifier.Describe(exception)
            : OutcomeClassifier.Describe(args.Outcome.Result!);
        _logger.LogWarning(
            "{Service} {Failure} on {Method} {Path}; retry {Retry} of {MaxRetries} in {Delay}",
            _options.ServiceName, failure, attempts.Request.Method.Method, LogSafePath.Of(attempts.Request.RequestUri),
            args.AttemptNumber + 1, _options.MaxRetries, Format.Duration(args.RetryDelay));
    }
}
