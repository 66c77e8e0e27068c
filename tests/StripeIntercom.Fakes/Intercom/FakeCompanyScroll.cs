namespace StripeIntercom.Fakes.Intercom;

/// <summary>
/// The one open company scroll of the workspace: the companies listed when it started, how far it has gone, and
/// when it was last used (it expires after a minute of disuse; reaching the end closes it).
/// </summary>
public sealed class FakeCompanyScroll
{
    public string Param { get; init; } = "";
    /// <summary>Intercom ids of the listed companies when the scroll started, in list order.</summary>
    public IReadOnlyList<string> CompanyIds { get; init; } = Array.Empty<string>();
    public int Position { get; set; }
    public DateTimeOffset LastUsed { get; set; }
    public bool Finished { get; set; }

    public bool IsOpen(DateTimeOffset now, double expirySeconds) =>
        !Finished && now - LastUsed < TimeSpan.FromSeconds(expirySeconds);
}
