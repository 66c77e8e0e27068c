namespace StripeIntercom.Fakes.Intercom;

/// <summary>One API request as the fake saw it, so tests can check exactly what a client sent.</summary>
public sealed record FakeRecordedRequest(string Method, string Path, string Route, string? Body, int Status,
    string? IntercomVersion);
