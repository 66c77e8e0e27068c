namespace StripeIntercom.Fakes.Stripe;

/// <summary>What a refund or a dispute did: the charge it touched (created on the way if the customer had none to
/// use), the dispute it opened, and the types of the events emitted, in order.</summary>
public sealed record FakeChargeChange(string ChargeId, string? DisputeId, IReadOnlyList<string> Events);
