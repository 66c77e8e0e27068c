using System.Net;
using System.Text.RegularExpressions;

namespace StripeIntercom.Intercom;

/// <summary>409: a contact with the same external_id or email already exists; Intercom names it in the
/// message.</summary>
public sealed class IntercomConflictException : IntercomApiException
{
    private static readonly Regex IdInMessage = new Regex(@"id=(?<id>[A-Za-z0-9_\-]+)", RegexOptions.CultureInvariant);

    public IntercomConflictException(string? errorCode, string message, string? requestId)
        : base(HttpStatusCode.Conflict, errorCode, message, requestId)
    {
        ExistingContactId = ParseExistingContactId(message);
    }

    /// <summary>The id from "A contact matching those details already exists with id=X", or null.</summary>
    public string? ExistingContactId { get; }

    public static string? ParseExistingContactId(string? message)
    {
        if (message == null)
        {
            return null;
        }

        var match = IdInMessage.Match(message);
        return match.Success ? match.Groups["id"].Value : null;
    }
}
