using System;

namespace StripeIntercom.Resilience;

/// <summary>Permission from a <see cref="RateLimitBudget"/> to send one request.</summary>
internal readonly struct RateLimitPermit
{
    public RateLimitPermit(long sequence, TimeSpan waited)
    {
        Sequence = sequence;
        Waited = waited;
    }

    /// <summary>Order in which permits were granted; tells which later requests a response cannot have counted yet.</summary>
    public long Sequence { get; }

    /// <summary>How long the request was held back before it got the permit.</summary>
    public TimeSpan Waited { get; }
}
