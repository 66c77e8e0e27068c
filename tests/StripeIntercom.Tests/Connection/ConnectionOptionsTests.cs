using System.Collections;
using StripeIntercom.Connection;
using StripeIntercom.Intercom;
using Xunit;

namespace StripeIntercom.Tests.Connection;

public sealed class ConnectionOptionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("si-conn-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Explicit_values_win_over_environment_and_env_file()
    {
        var envFile = Write(".env", "STRIPE_SECRET_KEY=sk_test_file\nINTERCOM_ACCESS_TOKEN=tok_file\n");
        var environment = new Hashtable { ["STRIPE_SECRET_KEY"] = "sk_test_env" };

        var options = new ConnectionOptions { StripeApiKey = "sk_test_explicit" }.WithDefaultsFrom(environment, envFile, _directory);

        Assert.Equal("sk_test_explicit", options.StripeApiKey);
        Assert.Equal("tok_file", options.IntercomAccessToken);
    }

    [Fact]
    public void Environment_wins_over_env_file()
    {
        var envFile = Write("custom.env", "STRIPE_SECRET_KEY=sk_test_file\nINTERCOM_REGION=eu\n");
        var environment = new Hashtable { ["STRIPE_SECRET_KEY"] = "sk_test_env", ["STRIPE_API_BASE"] = "http://127.0.0.1:9/" };

        var options = new ConnectionOptions().WithDefaultsFrom(environment, envFile, _directory);

        Assert.Equal("sk_test_env", options.StripeApiKey);
        Assert.Equal(new Uri("http://127.0.0.1:9/"), options.StripeApiBase);
        Assert.Equal(IntercomRegion.EU, options.IntercomRegion);
    }

    [Fact]
    public void Dot_env_in_the_current_directory_is_read_when_no_file_is_named()
    {
        Write(".env", "# comment\n\nexport INTERCOM_ACCESS_TOKEN=\"quoted token\"\n");

        var options = new ConnectionOptions().WithDefaultsFrom(new Hashtable(), null, _directory);

        Assert.Equal("quoted token", options.IntercomAccessToken);
        Assert.Null(options.StripeApiKey);
    }

    [Fact]
    public void A_malformed_line_is_reported_by_number_without_its_content()
    {
        var envFile = Write("bad.env", "STRIPE_SECRET_KEY=sk_test_ok\nsk_live_secretvalue\n");

        var error = Assert.Throws<FormatException>(() => new ConnectionOptions().WithDefaultsFrom(new Hashtable(), envFile, _directory));

        Assert.Contains("Line 2", error.Message);
        Assert.DoesNotContain("sk_live_secretvalue", error.Message);
    }

    [Fact]
    public void A_named_env_file_that_does_not_exist_is_an_error()
    {
        Assert.Throws<FileNotFoundException>(() =>
            new ConnectionOptions().WithDefaultsFrom(new Hashtable(), Path.Combine(_directory, "missing.env"), _directory));
    }

    [Theory]
    [InlineData("STRIPE_API_BASE", "not a url")]
    [InlineData("INTERCOM_API_BASE", "ftp://example.invalid/")]
    [InlineData("INTERCOM_REGION", "mars")]
    public void Bad_settings_name_the_variable(string variable, string value)
    {
        var environment = new Hashtable { [variable] = value };

        var error = Assert.Throws<FormatException>(() => new ConnectionOptions().WithDefaultsFrom(environment, null, _directory));

        Assert.Contains(variable, error.Message);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
