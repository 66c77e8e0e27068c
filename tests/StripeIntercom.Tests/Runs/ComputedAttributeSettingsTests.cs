using System.Collections;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using Xunit;

namespace StripeIntercom.Tests.Runs;

/// <summary>
/// <see cref="ComputedAttributeSettings"/>: where each computed attribute goes, and the mistakes it names.
/// </summary>
public class ComputedAttributeSettingsTests
{
    private static Func<CustomerProfile, object?>? ExpressionOf(object? value) =>
        value is string text && text.StartsWith("=", StringComparison.Ordinal) ? _ => text.Substring(1) : null;

    private static KeyValuePair<string, object?> Entry(string name, object? value) => new(name, value);

    [Fact]
    public void A_plain_expression_is_a_contact_attribute_and_Model_routes_the_rest()
    {
        var settings = new SyncSettings();

        ComputedAttributeSettings.Apply(settings, new[]
        {
            Entry("tier", "=gold"),
            Entry("region", new Hashtable { ["Expression"] = "=eu", ["Model"] = "company", ["Type"] = "string" }),
            Entry("seats", new Hashtable { ["expression"] = "=3", ["Model"] = "Both", ["Description"] = "Seats" }),
        }, ExpressionOf);

        var contactNames = settings.Map.Attributes.Select(a => a.Name).ToList();
        Assert.Contains("tier", contactNames);
        Assert.Contains("seats", contactNames);
        Assert.DoesNotContain("region", contactNames);
        Assert.Equal(new[] { "region", "seats" }, settings.CompanyComputedAttributes.Select(a => a.Name));
        Assert.Equal("Seats", settings.CompanyComputedAttributes[1].Description);
    }

    [Theory]
    [InlineData("Model", "Everyone", "use Contact, Company or Both")]
    [InlineData("Type", "money", "use string, integer, float, boolean or date")]
    public void An_unknown_Model_or_Type_is_a_settings_error(string key, string value, string advice)
    {
        var spec = new Hashtable { ["Expression"] = "=x", [key] = value };

        var error = Assert.Throws<SyncSettingsException>(() => ComputedAttributeSettings.Apply(
            new SyncSettings(), new[] { Entry("bad", spec) }, ExpressionOf));

        Assert.Contains("'bad'", error.Message);
        Assert.Contains(advice, error.Message);
        Assert.Equal(SyncSettingsReader.InvalidSettings, error.ErrorId);
    }

    [Fact]
    public void An_entry_without_an_expression_is_a_settings_error()
    {
        var error = Assert.Throws<SyncSettingsException>(() => ComputedAttributeSettings.Apply(
            new SyncSettings(), new[] { Entry("nothing", 42) }, ExpressionOf));

        Assert.Contains("needs a scriptblock", error.Message);
    }
}
