namespace StripeIntercom.Incremental;

/// <summary>The outcome of reading a state file; a bad file is a result, not an exception.</summary>
public sealed class SyncStateLoadResult
{
    private SyncStateLoadResult(SyncStateLoadStatus status, SyncState? state, string? reason, int? formatVersion)
    {
        Status = status;
        State = state;
        Reason = reason;
        FormatVersion = formatVersion;
    }

    public SyncStateLoadStatus Status { get; }

    /// <summary>Set only when <see cref="Status"/> is Loaded.</summary>
    public SyncState? State { get; }

    /// <summary>Why the file could not be used (Unreadable and UnsupportedVersion).</summary>
    public string? Reason { get; }

    /// <summary>The version found in the file, when one could be read.</summary>
    public int? FormatVersion { get; }

    public static SyncStateLoadResult Loaded(SyncState state) =>
        new SyncStateLoadResult(SyncStateLoadStatus.Loaded, state, null, state.FormatVersion);

    public static SyncStateLoadResult Missing() =>
        new SyncStateLoadResult(SyncStateLoadStatus.Missing, null, null, null);

    public static SyncStateLoadResult Unreadable(string reason) =>
        new SyncStateLoadResult(SyncStateLoadStatus.Unreadable, null, reason, null);

    public static SyncStateLoadResult UnsupportedVersion(int version) =>
        new SyncStateLoadResult(
            SyncStateLoadStatus.UnsupportedVersion,
            null,
            $"The state file has format version {version}; this module reads version {SyncState.CurrentFormatVersion}.",
            version);

    public override string ToString() => Reason == null ? Status.ToString() : $"{Status}: {Reason}";
}
