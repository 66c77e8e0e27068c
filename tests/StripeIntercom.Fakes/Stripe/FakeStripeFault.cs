namespace StripeIntercom.Fakes.Stripe;

/// <summary>An injected failure: an HTTP status (500, 503, ...) or, when <see cref="ResetConnection"/>, an aborted
/// connection.</summary>
public sealed record FakeStripeFault(int Status, bool ResetConnection, string? Route);
