using System.Collections;
using StripeIntercom.Stripe;
using Xunit;

namespace StripeIntercom.Tests.Stripe;

/// <summary><see cref="CustomerInput"/>: which customer an input names, and how a message describes it.</summary>
public class CustomerInputTests
{
    private static readonly Func<string, object?> NoProperties = _ => null;

    [Theory]
    [InlineData("cus_ABC123", true)]
    [InlineData("cus_", false)]
    [InlineData("cus_abc; drop", false)]
    [InlineData("sub_123", false)]
    [InlineData(null, false)]
    public void A_customer_id_is_cus_followed_by_letters_and_digits(string? value, bool expected)
    {
        Assert.Equal(expected, CustomerInput.IsCustomerId(value));
    }

    [Fact]
    public void Reads_the_id_of_a_string_a_dictionary_or_an_object_with_CustomerId_or_Id()
    {
        Assert.Equal("cus_1", CustomerInput.IdOf("  cus_1 ", NoProperties));
        Assert.Equal("cus_2", CustomerInput.IdOf(new Hashtable { ["customerid"] = "cus_2" }, NoProperties));
        Assert.Equal("cus_3", CustomerInput.IdOf(new Hashtable { ["Id"] = "cus_3" }, NoProperties));
        Assert.Equal("cus_4", CustomerInput.IdOf(new object(), name => name == "Id" ? "cus_4" : null));
        Assert.Null(CustomerInput.IdOf(new Hashtable { ["Id"] = "not an id" }, NoProperties));
        Assert.Null(CustomerInput.IdOf(42, NoProperties));
    }

    [Fact]
    public void Describes_an_input_by_its_kind_and_a_shortened_id_only()
    {
        var longId = new string('x', 50);

        Assert.Equal("an object", CustomerInput.Describe("an object", new object(), NoProperties));
        Assert.Equal(
            $"a String naming '{new string('x', 40)}...'",
            CustomerInput.Describe("a String", longId, NoProperties));
        Assert.Equal(
            "a Hashtable naming 'abc'",
            CustomerInput.Describe("a Hashtable", new Hashtable { ["Id"] = "abc", ["Email"] = "secret" },
                NoProperties));
    }
}
