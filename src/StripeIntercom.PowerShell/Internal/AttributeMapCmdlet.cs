using System.Collections;
using System.Management.Automation;
using StripeIntercom.Runs;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// The base of the cmdlets that take an attribute map (Initialize-IntercomDataAttribute and, through
/// <see cref="SyncingCmdlet"/>, the four that sync): -Attribute, -AttributeMap and -ComputedAttribute are declared
/// here, once, and read into one <see cref="SyncSettings"/> by the library's reader.
/// </summary>
public abstract class AttributeMapCmdlet : StripeIntercomCmdlet
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AttributeNameCompleter))]
    public string[]? Attribute { get; set; }

    [Parameter]
    [ValidateNotNull]
    public object? AttributeMap { get; set; }

    [Parameter]
    [ValidateNotNull]
    public IDictionary? ComputedAttribute { get; set; }

    /// <summary>The settings of -AttributeMap's file or renames, then this cmdlet's parameters; a terminating error
    /// naming the source and key when one is wrong.</summary>
    internal virtual SyncSettings ReadSettingsOrStop() =>
        SettingsParameters.ReadOrStop(this, AttributeMap, ComputedAttribute);

    /// <summary>A data attribute that cannot be created (its name taken with another type, or the workspace's limit
    /// reached) stops the cmdlet.</summary>
    internal static bool IsDataAttributeError(Exception error) =>
        error is DataAttributeConflictException || error is DataAttributeLimitException;

    internal void StopOnDataAttributeError(Exception error) => ThrowTerminatingError(
        new ErrorRecord(error, error.GetType().Name.Replace("Exception", ""), ErrorCategory.InvalidData, null));
}
