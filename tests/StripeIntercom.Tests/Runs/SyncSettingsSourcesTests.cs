using System.Collections;
using StripeIntercom.Runs;
using Xunit;

namespace StripeIntercom.Tests.Runs;

/// <summary><see cref="SyncSettingsSources"/>: the order and the sources a cmdlet's settings come from.</summary>
public class SyncSettingsSourcesTests
{
    private static KeyValuePair<string, object?> Pair(string key, object? value) => new(key, value);

    private static IEnumerable<KeyValuePair<string, object?>> NoFile(string path) =>
        throw new InvalidOperationException("no .psd1 expected");

    [Fact]
    public void Reads_a_psd1_through_the_caller_then_the_parameters_of_the_readers_keys_only()
    {
        string? read = null;

        var settings = SyncSettingsSources.Read("map.psd1",
            new[] { Pair("ThrottleLimit", 3), Pair("InputObject", new object[] { "cus_1" }) },
            path => "/resolved/" + path,
            path =>
            {
                read = path;
                return new[] { Pair("ThrottleLimit", 5), Pair("MergeLeads", true) };
            });

        Assert.Equal("/resolved/map.psd1", read);
        Assert.Equal(3, settings.ThrottleLimit);
        Assert.True(settings.MergeLeads);
    }

    [Fact]
    public void Applies_computed_attributes_after_the_rest()
    {
        var seen = 0;

        SyncSettingsSources.Read(null, new[] { Pair("ThrottleLimit", 2) }, p => p, NoFile,
            settings => seen = settings.ThrottleLimit);

        Assert.Equal(2, seen);
    }

    [Fact]
    public void An_attribute_map_that_is_neither_renames_nor_a_path_is_a_settings_error()
    {
        var error = Assert.Throws<SyncSettingsException>(() =>
            SyncSettingsSources.Read(42, Array.Empty<KeyValuePair<string, object?>>(), p => p, NoFile));

        Assert.Equal(SyncSettingsReader.InvalidSettings, error.ErrorId);
        Assert.Contains("-AttributeMap takes a hashtable of renames", error.Message);
    }

    [Fact]
    public void An_unknown_rename_is_named()
    {
        var error = Assert.Throws<SyncSettingsException>(() => SyncSettingsSources.Read(
            new Hashtable { ["no_such_attribute"] = "x" }, Array.Empty<KeyValuePair<string, object?>>(), p => p,
            NoFile));

        Assert.Contains("no_such_attribute", error.Message);
    }
}
