using System;

namespace StripeIntercom.Resilience;

/// <summary>
/// The service failed so consistently that the circuit breaker stopped sending to it for a while. The message names
/// the service and the kind of the last failure, never a header or a token.
/// </summary>
public sealed class ServiceUnavailableException : Exception
{
    public ServiceUnavailableException(string serviceName, string lastFailure, int attempts, TimeSpan? retryAfter,
        Exception? innerException)
        : base(BuildMessage(serviceName, lastFailure, attempts, retryAfter), innerException)
    {
        ServiceName = serviceName;
        LastFailure = lastFailure;
        Attempts = attempts;
        RetryAfter = retryAfter;
    }

    public string ServiceName { get; }

    /// <summary>Short description of the last failure seen, e.g. "503 Service Unavailable" or "connection
    /// failure".</summary>
    public string LastFailure { get; }

    /// <summary>Attempts this request made before the open circuit stopped it (0 when it was open from the
    /// start).</summary>
    public int Attempts { get; }

    /// <summary>How long the circuit stays open, when known.</summary>
    public TimeSpan? RetryAfter { get; }

    private static string BuildMessage(string serviceName, string lastFailure, int attempts, TimeSpan? retryAfter)
    {
        var message =
            $"{serviceName} keeps failing (last: {lastFailure}); stopped after {attempts} " +
            $"attempt{(attempts == 1 ? "" : "s")}";
        return retryAfter is TimeSpan wait && wait > TimeSpan.Zero
            ? $"{message}; requests to {serviceName} are paused for {wait.TotalSeconds:0.#} s."
            : message + ".";
    }
}
