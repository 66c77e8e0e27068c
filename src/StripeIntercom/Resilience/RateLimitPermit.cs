using System;

namespace StripeIntercom.Resilience;

/// <summary>Permission from a <see cref="RateLimitBudget"/> to send one request.</summary>
internal readonly struct RateLimitPermit
{
    public RateLimitPermit(int slot, TimeSpan waited)
    {
        Slot = slot;
        Waited = waited;
    }

    /// <summary>Which of the budget's ceiling slots this request occupies until it completes.</summary>
    public int Slot { get; }

    /// <summary>How long the request was held back before it got the permit.</summary>
    public TimeSpan Waited { get; }
}
