using System;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;

namespace StripeIntercom.Resilience;

/// <summary>What one logical request has been through so far, carried in the Polly context across its attempts.</summary>
internal sealed class RequestAttempts
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public RequestAttempts(HttpRequestMessage request, RequestBodySnapshot? body, CancellationToken callerToken)
    {
        Request = request;
        Body = body;
        CallerToken = callerToken;
    }

    public HttpRequestMessage Request { get; }
    public RequestBodySnapshot? Body { get; }

    /// <summary>The caller's own token: when it is cancelled nothing is retried, whatever the outcome looked like.</summary>
    public CancellationToken CallerToken { get; }

    public int Count { get; set; }
    public string? LastFailure { get; set; }
    public TimeSpan Elapsed => _clock.Elapsed;
}
