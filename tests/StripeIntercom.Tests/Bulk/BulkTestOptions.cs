using StripeIntercom.Bulk;

namespace StripeIntercom.Tests.Bulk;

/// <summary>Bulk write timings for tests against the fake: batches leave, jobs are polled and give up fast.</summary>
internal static class BulkTestOptions
{
    /// <param name="searchDelay">Wait before the first search for a create job's contacts.</param>
    /// <param name="searchLag">How long searches are repeated while they lag.</param>
    public static BulkWriteOptions Fast(TimeSpan searchDelay, TimeSpan searchLag) => new()
    {
        FlushDelay = TimeSpan.FromMilliseconds(100),
        FirstPoll = TimeSpan.FromMilliseconds(100),
        MaxPollInterval = TimeSpan.FromMilliseconds(400),
        SearchDelay = searchDelay,
        SearchLag = searchLag,
        StallTimeout = TimeSpan.FromSeconds(3),
    };
}
