using StripeIntercom.Runs;
using StripeIntercom.Sync;
using Xunit;

namespace StripeIntercom.Tests.Runs;

/// <summary>The reader's <c>WriteMode</c> key: what -WriteMode, a .psd1 and a .json settings file all go
/// through.</summary>
public class WriteModeSettingTests
{
    private static KeyValuePair<string, object?> Pair(string key, object? value) => new(key, value);

    [Fact]
    public void Is_Auto_when_no_source_names_it()
    {
        Assert.Equal(ContactWriteMode.Auto, new SyncSettings().WriteMode);
    }

    [Theory]
    [InlineData("Bulk", ContactWriteMode.Bulk)]
    [InlineData("bulk", ContactWriteMode.Bulk)]
    [InlineData("PERCONTACT", ContactWriteMode.PerContact)]
    [InlineData("auto", ContactWriteMode.Auto)]
    public void Reads_a_name_in_any_case_from_a_dictionary(string value, ContactWriteMode expected)
    {
        var other = expected == ContactWriteMode.Auto ? ContactWriteMode.Bulk : ContactWriteMode.Auto;
        var settings = SyncSettingsReader.Apply(new SyncSettings { WriteMode = other },
            new Dictionary<string, object?> { ["writemode"] = value }, "the parameters");

        Assert.Equal(expected, settings.WriteMode);
    }

    [Fact]
    public void Takes_the_enum_itself_as_a_bound_parameter_gives_it()
    {
        var settings = SyncSettingsReader.Apply(
            new SyncSettings(), new[] { Pair("WriteMode", ContactWriteMode.PerContact) }, "the parameters");

        Assert.Equal(ContactWriteMode.PerContact, settings.WriteMode);
    }

    [Fact]
    public void Reads_it_from_a_json_settings_file_and_a_parameter_wins_over_the_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{ \"writeMode\": \"bulk\" }");

            var fromFile = SyncSettingsReader.ApplyJsonFile(new SyncSettings(), path);
            var withParameter = SyncSettingsSources.Read(path, new[] { Pair("WriteMode", ContactWriteMode.PerContact) },
                p => p, _ => throw new InvalidOperationException("no .psd1 expected"));

            Assert.Equal(ContactWriteMode.Bulk, fromFile.WriteMode);
            Assert.Equal(ContactWriteMode.PerContact, withParameter.WriteMode);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_bad_value_in_a_json_file_names_the_key_the_file_and_the_accepted_values()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{ \"WriteMode\": \"Fast\" }");

            var error = Assert.Throws<SyncSettingsException>(
                () => SyncSettingsReader.ApplyJsonFile(new SyncSettings(), path));

            Assert.Equal(SyncSettingsReader.InvalidSettings, error.ErrorId);
            Assert.Contains("'WriteMode'", error.Message);
            Assert.Contains($"the settings file '{path}'", error.Message);
            Assert.Contains("Auto, Bulk, PerContact", error.Message);
            Assert.Contains("'Fast'", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("Fast")]
    [InlineData("7")]
    [InlineData("")]
    public void A_bad_value_from_a_dictionary_names_the_key_and_the_source(string value)
    {
        var error = Assert.Throws<SyncSettingsException>(() => SyncSettingsReader.Apply(
            new SyncSettings(), new[] { Pair("WriteMode", value) }, "the settings file 'map.psd1'"));

        Assert.Equal(SyncSettingsReader.InvalidSettings, error.ErrorId);
        Assert.Contains("'WriteMode' in the settings file 'map.psd1'", error.Message);
    }
}
