using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace StripeIntercom.Runs;

/// <summary>
/// A cmdlet's settings, read in one order by the one reader (<see cref="SyncSettingsReader"/>): the attribute map
/// (renames as a dictionary, or the path of a .psd1 or .json settings file), then the bound parameters that are the
/// reader's keys, then computed attributes, then the checks. The caller does what only it can: resolve a path, read a
/// .psd1 as data, evaluate computed attributes.
/// </summary>
public static class SyncSettingsSources
{
    /// <exception cref="SyncSettingsException">A source or key is wrong; the message names it.</exception>
    public static SyncSettings Read(object? attributeMap, IEnumerable<KeyValuePair<string, object?>> parameters,
        Func<string, string> resolvePath, Func<string, IEnumerable<KeyValuePair<string, object?>>> readDataFile,
        Action<SyncSettings>? applyComputed = null)
    {
        var settings = new SyncSettings();
        switch (attributeMap)
        {
            case null:
                break;
            case IDictionary renames:
                SyncSettingsReader.Apply(
                    settings, new[] { new KeyValuePair<string, object?>("Rename", renames) }, "-AttributeMap");
                break;
            case string path:
                var fullPath = resolvePath(path);
                if (string.Equals(Path.GetExtension(fullPath), ".psd1", StringComparison.OrdinalIgnoreCase))
                {
                    SyncSettingsReader.Apply(settings, readDataFile(fullPath), $"the settings file '{fullPath}'");
                }
                else
                {
                    SyncSettingsReader.ApplyJsonFile(settings, fullPath);
                }

                break;
            default:
                throw new SyncSettingsException(SyncSettingsReader.InvalidSettings,
                    "-AttributeMap takes a hashtable of renames (catalog name = new name) or the path of a .psd1 or "
                        + ".json settings file.");
        }

        var known = parameters.Where(p => SyncSettingsReader.Keys.Contains(p.Key, StringComparer.OrdinalIgnoreCase));
        SyncSettingsReader.Apply(settings, known, "the parameters");
        applyComputed?.Invoke(settings);
        SyncSettingsReader.Validate(settings);
        return settings;
    }
}
