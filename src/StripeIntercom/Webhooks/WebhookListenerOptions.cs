using System;

namespace StripeIntercom.Webhooks;

/// <summary>How much the webhook listener lets any sender take: connections, time and memory.</summary>
public sealed class WebhookListenerOptions
{
    /// <summary>Requests read or handled at once; one more is answered 503 at once (Stripe retries it).</summary>
    public int MaxConcurrentRequests { get; set; } = 512;

    /// <summary>From the connection's acceptance to the end of its request headers.</summary>
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>From the end of the headers to the last byte of the body.</summary>
    public TimeSpan BodyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Writing a response (a client that does not read cannot hold a connection either).</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A body larger than this is answered 413. Stripe events are a few KB.</summary>
    public int MaxBodyBytes { get; set; } = WebhookListener.MaxBodyBytes;

    /// <summary>Request line and headers together; more is answered 431.</summary>
    public int MaxHeaderBytes { get; set; } = 16 * 1024;

    /// <summary>How often rejected requests are reported, as one summary of counts per reason and address.</summary>
    public TimeSpan RejectionSummaryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Reports waiting for a slow observer (output); more are dropped and counted in the next summary, so output
    /// can never hold up an acknowledgement.
    /// </summary>
    public int MaxPendingReports { get; set; } = 1024;

    internal void Validate()
    {
        if (MaxConcurrentRequests < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentRequests));
        }

        if (MaxBodyBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBodyBytes));
        }

        if (MaxHeaderBytes < 256)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxHeaderBytes));
        }

        if (MaxPendingReports < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPendingReports));
        }

        if (HeaderTimeout <= TimeSpan.Zero || BodyTimeout <= TimeSpan.Zero || WriteTimeout <= TimeSpan.Zero
            || RejectionSummaryInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(HeaderTimeout), "Timeouts and the summary interval must be positive.");
        }
    }
}
