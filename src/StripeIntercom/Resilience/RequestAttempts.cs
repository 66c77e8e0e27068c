using System;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;

namespace StripeIntercom.Resilience;

/// <summary>What one logical request has been through so far, carried in the Polly context across its
/// attempts.</summary>
internal sealed class RequestAttempts
{
    private const string RequestPropertyKey = "StripeIntercom.Resilience.RequestAttempts";
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private bool _reachedTransport;
    private long _sentAtTicks;

    public RequestAttempts(HttpRequestMessage request, RequestBodySnapshot? body, CancellationToken callerToken)
    {
        Request = request;
        Body = body;
        CallerToken = callerToken;
    }

    public HttpRequestMessage Request { get; }
    public RequestBodySnapshot? Body { get; }

    /// <summary>The caller's own token: when it is cancelled nothing is retried, whatever the outcome looked
    /// like.</summary>
    public CancellationToken CallerToken { get; }

    public int Count { get; set; }

    /// <summary>
    /// False while the current attempt is still held back by the rate-limit budget. Pacing sits inside the attempt
    /// timeout, so an attempt can time out without ever reaching the service; that says nothing about the service's
    /// health and must not count towards opening the circuit.
    /// </summary>
    public bool ReachedTransport
    {
        get => Volatile.Read(ref _reachedTransport);
        set
        {
            if (value)
            {
                Interlocked.Exchange(ref _sentAtTicks, MonotonicClock.Now.Ticks);
            }

            Volatile.Write(ref _reachedTransport, value);
        }
    }

    /// <summary>When the current attempt last reached the transport (<see cref="MonotonicClock"/>).</summary>
    public TimeSpan SentAt => TimeSpan.FromTicks(Interlocked.Read(ref _sentAtTicks));

    /// <summary>When this request's first service failure was seen (<see cref="MonotonicClock"/>); null before
    /// any.</summary>
    public TimeSpan? FirstFailureAt { get; set; }

    public string? LastFailure { get; set; }
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Lets handlers further down the chain (pacing) find this record on the request.</summary>
    public void AttachTo(HttpRequestMessage request) => request.Properties[RequestPropertyKey] = this;

    public static void DetachFrom(HttpRequestMessage request) => request.Properties.Remove(RequestPropertyKey);

    public static RequestAttempts? Of(HttpRequestMessage request) =>
        request.Properties.TryGetValue(RequestPropertyKey, out var value) ? value as RequestAttempts : null;
}
