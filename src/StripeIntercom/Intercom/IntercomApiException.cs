using System;
using System.Net;

namespace StripeIntercom.Intercom;

/// <summary>Intercom answered with an error. The message never carries the access token.</summary>
public class IntercomApiException : Exception
{
    public IntercomApiException(HttpStatusCode statusCode, string? errorCode, string message, string? requestId,
        string? field = null)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        RequestId = requestId;
        Field = field;
    }

    public HttpStatusCode StatusCode { get; }
    /// <summary>The code of the first error in Intercom's error.list, e.g. "parameter_invalid".</summary>
    public string? ErrorCode { get; }
    public string? RequestId { get; }
    /// <summary>The field Intercom named as wrong, when it did.</summary>
    public string? Field { get; }
}
