using System;
using System.Linq;

namespace StripeIntercom.Resilience;

/// <summary>
/// A request path fit for a log line: the query is dropped and id-like segments become "{id}", because paths carry
/// contact ids, Stripe ids and external ids (which can be e-mail addresses).
/// </summary>
internal static class LogSafePath
{
    public static string Of(Uri? requestUri)
    {
        if (requestUri is null)
        {
            return "/";
        }

        var path = requestUri.IsAbsoluteUri ? requestUri.AbsolutePath : requestUri.OriginalString.Split('?')[0];
        var segments = path.Split('/').Select(segment => segment.Length == 0 || IsWord(segment) ? segment : "{id}");
        return string.Join("/", segments);
    }

    // Route words are lower-case letters and underscores ("contacts", "find_by_external_id"), or an API version ("v1").
    private static bool IsWord(string segment) =>
        segment.All(c => (c >= 'a' && c <= 'z') || c == '_')
        || (segment.Length > 1 && segment[0] == 'v' && segment.Skip(1).All(char.IsDigit));
}
