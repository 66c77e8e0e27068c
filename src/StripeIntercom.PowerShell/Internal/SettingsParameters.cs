using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// Hands a cmdlet's settings to the library (<see cref="SyncSettingsSources"/>): -AttributeMap (renames as a
/// hashtable, or a .psd1 or .json settings file), the cmdlet's bound parameters and -ComputedAttribute, with what only
/// PowerShell can do: resolve a PowerShell path, read a .psd1 as data, evaluate scriptblocks.
/// -ComputedAttribute is name = scriptblock over the profile ($_), or name = @{ Expression; Type; Description; Model }
/// (<see cref="ComputedAttributeSettings"/>); the job evaluates the scriptblocks on the pipeline thread, through the
/// cmdlet's <see cref="WorkPump"/>.
/// </summary>
internal static class SettingsParameters
{
    public static SyncSettings ReadOrStop(PSCmdlet cmdlet, object? attributeMap, IDictionary? computed)
    {
        try
        {
            return SyncSettingsSources.Read(Plain(attributeMap),
                cmdlet.MyInvocation.BoundParameters.Select(p => Pair(p.Key, p.Value)),
                cmdlet.GetUnresolvedProviderPathFromPSPath, path => Pairs(ReadDataFile(path)),
                computed is null
                    ? null
                    : settings => ComputedAttributeSettings.Apply(settings, Pairs(computed), ExpressionOf));
        }
        catch (SyncSettingsException ex)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ErrorCategory.InvalidArgument, attributeMap));
            throw;
        }
    }

    private static IEnumerable<KeyValuePair<string, object?>> Pairs(IDictionary data) =>
        data.Keys.Cast<object>().Select(key => Pair(key.ToString()!, data[key]));

    private static KeyValuePair<string, object?> Pair(string key, object? value) =>
        new KeyValuePair<string, object?>(key, Plain(value));

    /// <summary>What the reader takes: switches as booleans, PowerShell's wrappers removed.</summary>
    private static object? Plain(object? value) => value switch
    {
        PSObject wrapped => Plain(wrapped.BaseObject),
        SwitchParameter flag => flag.IsPresent,
        object[] items => items.Select(Plain).ToList(),
        _ => value,
    };

    private static Func<CustomerProfile, object?>? ExpressionOf(object? value) =>
        Plain(value) is ScriptBlock expression ? profile => Invoke(expression, profile) : null;

    private static object? Invoke(ScriptBlock expression, CustomerProfile profile)
    {
        var variables = new List<PSVariable> { new PSVariable("_", profile), new PSVariable("PSItem", profile) };
        var output = expression.InvokeWithContext(null, variables, profile);
        return output.LastOrDefault(o => o is not null)?.BaseObject;
    }

    /// <summary>Reads a .psd1 as data only, as Import-PowerShellDataFile does: no code in it runs.</summary>
    private static IDictionary ReadDataFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new SyncSettingsException(
                SyncSettingsReader.InvalidSettings, $"The settings file '{path}' does not exist.");
        }

        var ast = Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0)
        {
            throw new SyncSettingsException(SyncSettingsReader.InvalidSettings,
                $"The settings file '{path}' does not parse: {errors[0].Message}");
        }

        var hashtable = ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false) as HashtableAst
            ?? throw new SyncSettingsException(SyncSettingsReader.InvalidSettings,
                $"The settings file '{path}' holds no hashtable.");
        try
        {
            return (IDictionary)hashtable.SafeGetValue();
        }
        catch (InvalidOperationException ex)
        {
            throw new SyncSettingsException(SyncSettingsReader.InvalidSettings,
                $"The settings file '{path}' holds more than data: {ex.Message}", ex);
        }
    }
}
