using System.Net;

namespace StripeIntercom.Intercom;

/// <summary>401: the access token was rejected. Stops a run: no other customer can succeed either.</summary>
public sealed class IntercomAuthenticationException : IntercomApiException
{
    public IntercomAuthenticationException(string? errorCode, string message, string? requestId)
        : base(HttpStatusCode.Unauthorized, errorCode, message, requestId)
    {
    }
}
