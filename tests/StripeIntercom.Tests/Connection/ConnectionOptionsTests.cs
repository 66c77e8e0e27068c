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
    public void Explicit_values_win_over_env_file_and_environment()
    {
        var envFile = Write(".env", "STRIPE_SECRET_KEY=sk_test_file\nINTERCOM_ACCESS_TOKEN=tok_file\n");
        var environment = new Hashtable { ["STRIPE_SECRET_KEY"] = "sk_test_env" };

        var options =
            new ConnectionOptions { StripeApiKey = "sk_test_explicit" }.WithDefaultsFrom(environment, envFile);

        Assert.Equal("sk_test_explicit", options.StripeApiKey);
        Assert.Equal("tok_file", options.IntercomAccessToken);
        Assert.Equal("the parameters", options.StripeSource);
    }

    [Fact]
    public void A_named_env_file_wins_over_the_environment()
    {
        var envFile = Write("custom.env",
            "STRIPE_SECRET_KEY=sk_test_file\nSTRIPE_API_BASE=http://127.0.0.1:7/\nINTERCOM_REGION=eu\n");
        var environment =
            new Hashtable { ["STRIPE_SECRET_KEY"] = "sk_test_env", ["STRIPE_API_BASE"] = "http://127.0.0.1:9/" };

        var options = new ConnectionOptions().WithDefaultsFrom(environment, envFile);

        Assert.Equal("sk_test_file", options.StripeApiKey);
        Assert.Equal(new Uri("http://127.0.0.1:7/"), options.StripeApiBase);
        Assert.Equal(IntercomRegion.EU, options.IntercomRegion);
        Assert.Contains(options.Warnings, w => w.Contains("STRIPE_API_BASE in the environment is ignored"));
    }

    [Fact]
    public void No_env_file_is_read_unless_named()
    {
        Write(".env", "STRIPE_SECRET_KEY=sk_test_file\nINTERCOM_ACCESS_TOKEN=tok_file\n");

        // FromEnvironment takes no directory at all: there is no way for it to find that file.
        var options = ConnectionOptions.FromEnvironment(new Hashtable());

        Assert.Null(options.StripeApiKey);
        Assert.Null(options.IntercomAccessToken);
    }

    [Fact]
    public void A_base_is_never_combined_with_a_key_from_another_source()
    {
        // A file holding only bases must not redirect keys that come from the environment.
        var envFile =
            Write("bases.env", "STRIPE_API_BASE=http://127.0.0.1:1/\nINTERCOM_API_BASE=http://127.0.0.1:2/\n");
        var environment =
            new Hashtable { ["STRIPE_SECRET_KEY"] = "sk_test_env", ["INTERCOM_ACCESS_TOKEN"] = "tok_env" };

        var options = new ConnectionOptions().WithDefaultsFrom(environment, envFile);

        Assert.Equal("sk_test_env", options.StripeApiKey);
        Assert.Null(options.StripeApiBase);
        Assert.Null(options.IntercomApiBase);
        Assert.Equal("the environment", options.StripeSource);
        Assert.Equal(2, options.Warnings.Count(w => w.Contains("is ignored")));
        Assert.DoesNotContain(options.Warnings, w => w.Contains("sk_test_env") || w.Contains("tok_env"));
    }

    [Fact]
    public void Explicit_keys_ignore_bases_from_the_environment()
    {
        var environment = new Hashtable
        {
            ["STRIPE_API_BASE"] = "http://127.0.0.1:1/",
            ["INTERCOM_API_BASE"] = "http://127.0.0.1:2/"
        };

        var options = new ConnectionOptions
        {
            StripeApiKey = "sk_test_x",
            IntercomAccessToken = "tok_x"
        }.WithDefaultsFrom(environment, null);

        Assert.Null(options.StripeApiBase);
        Assert.Null(options.IntercomApiBase);
    }

    [Fact]
    public void An_explicit_base_without_its_key_is_refused()
    {
        var environment = new Hashtable { ["STRIPE_SECRET_KEY"] = "sk_test_env" };

        var error = Assert.Throws<FormatException>(() =>
            new ConnectionOptions { StripeApiBase = new Uri("http://127.0.0.1:5/") }.WithDefaultsFrom(environment,
                null));

        Assert.Contains("-StripeApiBase", error.Message);
        Assert.DoesNotContain("sk_test_env", error.Message);
    }

    [Theory]
    [InlineData("http://example.com/")]
    [InlineData("http://10.0.0.8:8080/")]
    [InlineData("http://api.stripe.com.evil.test/")]
    public void An_http_base_for_another_machine_is_refused(string url)
    {
        var environment = new Hashtable { ["STRIPE_SECRET_KEY"] = "sk_test_env", ["STRIPE_API_BASE"] = url };

        var error = Assert.Throws<FormatException>(() => ConnectionOptions.FromEnvironment(environment));

        Assert.Contains("https", error.Message);
        Assert.DoesNotContain("sk_test_env", error.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4010/")]
    [InlineData("http://localhost:4010/")]
    [InlineData("http://[::1]:4010/")]
    [InlineData("https://proxy.example.com/")]
    public void Https_or_loopback_bases_are_taken_and_announced(string url)
    {
        var environment = new Hashtable { ["INTERCOM_ACCESS_TOKEN"] = "tok_env", ["INTERCOM_API_BASE"] = url };

        var options = ConnectionOptions.FromEnvironment(environment);

        Assert.Equal(new Uri(url), options.IntercomApiBase);
        var warning = Assert.Single(options.Warnings);
        Assert.Contains("Intercom API base is overridden", warning);
        Assert.Contains("the environment", warning);
    }

    [Fact]
    public void The_services_own_hosts_are_not_announced()
    {
        var options = new ConnectionOptions
        {
            StripeApiKey = "sk_test_x",
            StripeApiBase = new Uri("https://api.stripe.com"),
            IntercomAccessToken = "tok",
            IntercomApiBase = new Uri("https://api.eu.intercom.io/"),
            IntercomRegion = IntercomRegion.EU,
        }.WithDefaultsFrom(new Hashtable(), null);

        Assert.Empty(options.Warnings);
    }

    [Fact]
    public async Task Options_built_by_hand_are_checked_too_before_anything_is_sent()
    {
        var options = new ConnectionOptions
        {
            StripeApiKey = "sk_test_x",
            StripeApiBase = new Uri("http://stripe.example.com/"),
            IntercomAccessToken = "tok"
        };

        var error = await Assert.ThrowsAsync<FormatException>(() =>
            ServiceConnection.OpenAsync(options, null, CancellationToken.None));

        Assert.Contains("https", error.Message);
    }

    [Fact]
    public void A_base_with_a_password_is_refused_without_echoing_it()
    {
        var environment = new Hashtable
        {
            ["STRIPE_SECRET_KEY"] = "sk_test_env",
            ["STRIPE_API_BASE"] = "https://user:hunter2@proxy.example.com/"
        };

        var error = Assert.Throws<FormatException>(() => ConnectionOptions.FromEnvironment(environment));

        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void A_malformed_line_is_reported_by_number_without_its_content()
    {
        var envFile = Write("bad.env", "STRIPE_SECRET_KEY=sk_test_ok\nsk_live_secretvalue\n");

        var error =
            Assert.Throws<FormatException>(() => new ConnectionOptions().WithDefaultsFrom(new Hashtable(), envFile));

        Assert.Contains("Line 2", error.Message);
        Assert.DoesNotContain("sk_live_secretvalue", error.Message);
    }

    [Fact]
    public void A_named_env_file_that_does_not_exist_is_an_error()
    {
        Assert.Throws<FileNotFoundException>(() =>
            new ConnectionOptions().WithDefaultsFrom(new Hashtable(), Path.Combine(_directory, "missing.env")));
    }

    [Theory]
    [InlineData("STRIPE_API_BASE", "not a url")]
    [InlineData("STRIPE_API_BASE", "ftp://example.invalid/")]
    [InlineData("INTERCOM_REGION", "mars")]
    public void Bad_settings_name_the_variable_without_echoing_the_value(string variable, string value)
    {
        var environment = new Hashtable { ["STRIPE_SECRET_KEY"] = "sk_test_env", [variable] = value };

        var error = Assert.Throws<FormatException>(() => ConnectionOptions.FromEnvironment(environment));

        Assert.Contains(variable, error.Message);
        Assert.DoesNotContain(value, error.Message);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
