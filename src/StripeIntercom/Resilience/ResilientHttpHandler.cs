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
/// 429 or 5xx) or the last exception is thrown. One instance per service per run: the circuit state lives here.
/// </summary>
public sealed class ResilientHttpHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<RequestAttempts> AttemptsKey = new ResiliencePropertyKey<RequestAttempts>("StripeIntercom.RequestAttempts");

    private readonly ResilienceOptions _options;
    private readonly ResilienceCounters _counters;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private volatile string? _lastServiceFailure;

    public ResilientHttpHandler(ResilienceOptions options, ResilienceCounters counters, ILogger? logger = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _counters = counters ?? throw new ArgumentNullException(nameof(counters));
        _logger = logger ?? NullLogger.Instance;
        options.Validate();
        _pipeline = BuildPipeline();
    }

    public ResilientHttpHandler(ResilienceOptions options, ResilienceCounters counters, ILogger? logger, HttpMessageHandler innerHandler)
        : this(options, counters, logger)
    {
        InnerHandler = innerHandler;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await RequestBodySnapshot.CaptureAsync(request.Content).ConfigureAwait(false);
        var attempts = new RequestAttempts(request, body, cancellationToken);
        attempts.AttachTo(request);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(AttemptsKey, attempts);
        try
        {
            return await _pipeline.ExecuteAsync(
                static (ctx, state) => state.Handler.SendAttemptAsync(state.Attempts, ctx.CancellationToken),
                context,
                (Handler: this, Attempts: attempts)).ConfigureAwait(false);
        }
        catch (BrokenCircuitException broken)
        {
            var lastFailure = attempts.LastFailure ?? _lastServiceFailure ?? "unknown failure";
            throw new ServiceUnavailableException(_options.ServiceName, lastFailure, attempts.Count, broken.RetryAfter, broken);
        }
        catch (TimeoutRejectedException timeout) when (!cancellationToken.IsCancellationRequested)
        {
            // Callers should not need Polly to recognise a timeout.
            var overall = timeout.Timeout != _options.AttemptTimeout || attempts.LastFailure is null;
            var reason = overall
                ? $"no result within {Format.Duration(_options.OverallTimeout)} overall{(attempts.LastFailure is string last ? $" (last: {last})" : "")}"
                : attempts.LastFailure;
            throw new ServiceTimeoutException(
                _options.ServiceName,
                overall,
                $"{_options.ServiceName} {request.Method} {LogSafePath.Of(request.RequestUri)} timed out: {reason}; {attempts.Count} attempt{(attempts.Count == 1 ? "" : "s")}.",
                timeout);
        }
        finally
        {
            RequestAttempts.DetachFrom(request);
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<HttpResponseMessage> SendAttemptAsync(RequestAttempts attempts, CancellationToken attemptToken)
    {
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
            // The body is read inside the attempt, so that a connection cut mid-body is retried like any other connection
            // failure and the attempt timeout covers the whole exchange.
            await BufferedContent.ReadIntoAsync(response, attemptToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (OutcomeClassifier.IsConnectionFailure(exception) && !attemptToken.IsCancellationRequested)
        {
            _counters.RecordConnectionFailure();
            RecordServiceFailure(attempts, OutcomeClassifier.Describe(exception));
            throw;
        }

        if ((int)response.StatusCode == OutcomeClassifier.TooManyRequests) _counters.RecordThrottledResponse();
        if (OutcomeClassifier.IsServiceFailure(response)) RecordServiceFailure(attempts, OutcomeClassifier.Describe(response));
        return response;
    }

    private void RecordServiceFailure(RequestAttempts attempts, string description)
    {
        attempts.LastFailure = description;
        _lastServiceFailure = description;
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
                ShouldHandle = args => new ValueTask<bool>(OutcomeClassifier.IsServiceFailure(args.Outcome) && !HeldBackByBudget(args.Outcome, args.Context)),
                OnOpened = args =>
                {
                    _counters.RecordCircuitBreak();
                    _logger.LogWarning(
                        "{Service} keeps failing (last: {LastFailure}); pausing requests to it for {BreakDuration}",
                        _options.ServiceName, _lastServiceFailure ?? "unknown failure", Format.Duration(args.BreakDuration));
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
                if (!args.Context.Properties.TryGetValue(AttemptsKey, out var attempts)) return default;
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
        if (!context.Properties.TryGetValue(AttemptsKey, out var attempts)) return false;
        // The context token is also cancelled by the overall timeout: no retry after that either.
        if (attempts.CallerToken.IsCancellationRequested || context.CancellationToken.IsCancellationRequested) return false;
        if (!OutcomeClassifier.IsTransient(outcome)) return false;

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
        if (!(outcome.Result is HttpResponseMessage response)) return null;
        var now = DateTimeOffset.UtcNow;
        var headers = RateLimitHeaders.Read(response, now);
        if (headers.RetryAfter is TimeSpan retryAfter) return retryAfter;
        if ((int)response.StatusCode != OutcomeClassifier.TooManyRequests || !(headers.UntilReset is TimeSpan untilReset)) return null;

        if (untilReset > _options.MaxDelay) untilReset = _options.MaxDelay;
        return untilReset + Jitter.UpTo(_options.RateLimitResetJitter);
    }

    private void OnRetry(OnRetryArguments<HttpResponseMessage> args)
    {
        _counters.RecordRetry();
        if (!_logger.IsEnabled(LogLevel.Warning) || !args.Context.Properties.TryGetValue(AttemptsKey, out var attempts)) return;
        var failure = args.Outcome.Exception is Exception exception
            ? attempts.LastFailure ?? OutcomeClassifier.Describe(exception)
            : OutcomeClassifier.Describe(args.Outcome.Result!);
        _logger.LogWarning(
            "{Service} {Failure} on {Method} {Path}; retry {Retry} of {MaxRetries} in {Delay}",
            _options.ServiceName, failure, attempts.Request.Method.Method, LogSafePath.Of(attempts.Request.RequestUri),
            args.AttemptNumber + 1, _options.MaxRetries, Format.Duration(args.RetryDelay));
    }
}
