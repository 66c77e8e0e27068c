using System;
using System.IO;
using System.Net;
using System.Net.Http;
using Polly;
using Polly.Timeout;

namespace StripeIntercom.Resilience;

/// <summary>Which attempt outcomes are worth another attempt, which count against the service's health, and how to name
/// them.</summary>
internal static class OutcomeClassifier
{
    public const int TooManyRequests = 429;

    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is Exception exception
            ? IsTransientException(exception)
            : outcome.Result is HttpResponseMessage response && IsTransientStatus(response.StatusCode);

    /// <summary>
    /// Transient failures other than throttling: a 429 means we are too fast, not that the service is down, so it must
    /// not open the circuit (pacing and Retry-After deal with it).
    /// </summary>
    public static bool IsServiceFailure(Outcome<HttpResponseMessage> outcome) =>
        IsTransient(outcome)
            && !(outcome.Result is HttpResponseMessage response && (int)response.StatusCode == TooManyRequests);

    public static bool IsServiceFailure(HttpResponseMessage response) =>
        IsTransientStatus(response.StatusCode) && (int)response.StatusCode != TooManyRequests;

    public static bool IsConnectionFailure(Exception exception) =>
        exception is HttpRequestException || exception is IOException;

    public static string Describe(HttpResponseMessage response) =>
        $"{(int)response.StatusCode} " +
        $"{(string.IsNullOrEmpty(response.ReasonPhrase) ? response.StatusCode.ToString() : response.ReasonPhrase)}";

    // Exception messages can carry URLs with ids; a category is enough to tell operators what went wrong.
    public static string Describe(Exception exception) => exception switch
    {
        TimeoutRejectedException rejected => $"no answer within {Format.Duration(rejected.Timeout)}",
        _ when IsConnectionFailure(exception) => "connection failure",
        _ => exception.GetType().Name,
    };

    private static bool IsTransientException(Exception exception) =>
        exception is TimeoutRejectedException || IsConnectionFailure(exception);

    private static bool IsTransientStatus(HttpStatusCode status) => (int)status switch
    {
        408 or TooManyRequests or 500 or 502 or 503 or 504 => true,
        _ => false,
    };
}
