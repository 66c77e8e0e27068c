using System;
using System.Net;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using StripeIntercom.Intercom;

namespace StripeIntercom.Bulk;

/// <summary>
/// Sends one bulk request, taking Intercom's refusals as a reason to write one by one rather than to fail: a request
/// refused with a client error (other than a rejected token or a rate limit) has its items written one by one, which
/// says which of them is wrong; a refusal of the bulk route or its version (a workspace without the Preview
/// endpoints) turns bulk off for the rest of the run, with one warning.
/// </summary>
internal static class BulkSubmission
{
    /// <returns>The job, or null when the items are to be written one by one.</returns>
    public static async Task<IntercomBulkJob?> SendAsync(BulkSwitch bulkSwitch, ILogger logger,
        Func<Task<IntercomBulkJob>> send)
    {
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (IntercomApiException refused) when (Refuses(refused))
        {
            if (IsVersionRefusal(refused) && bulkSwitch.Refuse())
            {
                logger.LogWarning(
                    "Intercom refused a bulk request ({Status} {Code}): writes go one by one for the rest of this "
                    + "run. -WriteMode PerContact skips the attempt.", (int)refused.StatusCode, refused.ErrorCode);
            }

            return null;
        }
    }

    private static bool Refuses(IntercomApiException error) =>
        (int)error.StatusCode >= 400 && (int)error.StatusCode < 500
        && !(error is IntercomAuthenticationException) && (int)error.StatusCode != 429;

    private static bool IsVersionRefusal(IntercomApiException error) =>
        error.StatusCode == HttpStatusCode.NotFound
        || error.StatusCode == HttpStatusCode.Forbidden
        || error.ErrorCode == "intercom_version_invalid";
}
