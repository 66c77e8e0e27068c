namespace StripeIntercom.Webhooks;

public sealed class WebhookProcessorOptions
{
    /// <summary>Customers synced at the same time. Each sync is a few Stripe and Intercom calls.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>
    /// Customers waiting for a worker. Beyond it new customers are dropped (and reported): a burst that
    /// large is better served by the scheduled incremental run than by an unbounded queue.
    /// </summary>
    public int MaxPendingCustomers { get; set; } = 10_000;

    /// <summary>How many recent event ids are remembered to drop redeliveries.</summary>
    public int RememberedEventIds { get; set; } = 10_000;
}
