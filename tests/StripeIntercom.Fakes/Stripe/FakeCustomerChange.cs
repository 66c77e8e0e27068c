using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>
/// A change to make to a customer between two runs, as the control surface takes it. Null means "leave as is".
/// Subscription fields apply to <see cref="SubscriptionId"/>, else the customer's newest current subscription
/// (one is created when there is none). Balance is in minor units, like Stripe.
/// </summary>
public sealed record FakeCustomerChange
{
    public string? Email { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public long? Balance { get; init; }
    public string? SubscriptionId { get; init; }
    public string? SubscriptionStatus { get; init; }
    public bool? CancelAtPeriodEnd { get; init; }
    public string? Price { get; init; }
    public long? Quantity { get; init; }

    /// <summary>Metadata keys to set (an empty value removes the key, as in Stripe).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The change's events stay out of the event list until revealed (/__control/events/reveal), keeping their
    /// time.</summary>
    public bool LateEvents { get; init; }

    public bool TouchesSubscription =>
        SubscriptionStatus is not null || CancelAtPeriodEnd is not null || Price is not null || Quantity is not null;

    public static FakeCustomerChange FromJson(JsonObject body) => new()
    {
        Email = (string?)body["email"],
        Name = (string?)body["name"],
        Description = (string?)body["description"],
        Balance = (long?)body["balance"],
        SubscriptionId = (string?)body["subscription"],
        SubscriptionStatus = (string?)body["subscription_status"],
        CancelAtPeriodEnd = (bool?)body["cancel_at_period_end"],
        Price = (string?)body["price"],
        Quantity = (long?)body["quantity"],
        LateEvents = (bool?)body["late_events"] ?? false,
        Metadata = body["metadata"] is JsonObject metadata
            ? metadata.ToDictionary(p => p.Key, p => (string?)p.Value ?? "") : null,
    };
}
