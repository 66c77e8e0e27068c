namespace StripeIntercom.Incremental;

public enum SyncStateLoadStatus
{
    Loaded,
    /// <summary>No state file yet: the first run, which must be a full sync.</summary>
    Missing,
    /// <summary>The file exists but cannot be read or parsed; see the reason.</summary>
    Unreadable,
    /// <summary>The file was written by a different format version of this module.</summary>
    UnsupportedVersion,
}
