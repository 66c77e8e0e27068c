using System;
using StripeIntercom.Intercom;

namespace StripeIntercom.Connection;

/// <summary>What Connect-StripeIntercom reports: where it is connected, never with what secret.</summary>
public sealed class ConnectionInfo
{
    /// <summary>Test or Live, from the key's prefix.</summary>
    public string StripeMode { get; set; } = "";
    public string StripeApiBase { get; set; } = "";
    public IntercomRegion IntercomRegion { get; set; }
    public string IntercomApiBase { get; set; } = "";
    public string? IntercomWorkspace { get; set; }
    public DateTimeOffset ConnectedAt { get; set; }
}
