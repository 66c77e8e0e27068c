using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
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

    /// <summary>
    /// Sends a batch of writes that may safely be made twice (updates by contact id, upserts by company_id,
    /// attachments) and tells each item: true once its job applied the whole batch; false, so that each is written
    /// again on its own, when Intercom refused the request or the job rejected an item without saying which (the
    /// item that fails then is reported with its own error). A failure of the request or the job fails every item.
    /// </summary>
    /// <param name="what">What the batch does, for the log and a stall error ("update of 100 contacts").</param>
    public static async Task ApplyAsync(IReadOnlyList<BulkItem<bool>> batch, BulkSwitch bulkSwitch,
        BulkJobWatcher watcher, ILogger logger, string what,
        Func<CancellationToken, Task<IntercomBulkJob>> send)
    {
        // Every item of a batch comes from the same run, so the first one's token stops the batch with the run.
        var token = batch[0].Token;
        try
        {
            var job = await SendAsync(bulkSwitch, logger, () => send(token)).ConfigureAwait(false);
            if (job == null)
            {
                batch.CompleteEach(false);
                return;
            }

            var finished = await watcher.WaitAsync(job, what, token).ConfigureAwait(false);
            if (finished != IntercomBulkJobState.Completed)
            {
                logger.LogInformation("Bulk job {JobId} ({What}) ended {State}: its items are written one by one.",
                    job.Id, what, finished);
            }

            batch.CompleteEach(finished == IntercomBulkJobState.Completed);
        }
        catch (Exception ex)
        {
            batch.FailEach(ex);
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
