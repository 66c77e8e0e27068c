using System;

namespace StripeIntercom.Runs;

/// <summary>A setting that cannot be used, from a parameter or a settings file, naming the source and the
/// key.</summary>
public sealed class SyncSettingsException : FormatException
{
    public SyncSettingsException(string errorId, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
    }

    /// <summary>What kind of mistake: InvalidAttributeMap, or CompanyIdMetadataKeyWithoutSyncCompany.</summary>
    public string ErrorId { get; }
}
