using System;
using StripeIntercom.Intercom;

namespace StripeIntercom.Sync;

/// <summary>The one-line reason a customer or company failed, naming it and the field Intercom refused, if
/// any.</summary>
internal static class FailureDescription
{
    public static string Of(string subject, Exception error)
    {
        var field = (error as IntercomApiException)?.Field;
        return $"{subject}: " + (field == null ? "" : $"field '{field}': ") + error.Message;
    }
}
