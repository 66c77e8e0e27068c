using StripeIntercom.Connection;
using Xunit;

namespace StripeIntercom.Tests.Connection;

public sealed class DotEnvFileTests
{
    [Theory]
    [InlineData("A=plain", "plain")]
    [InlineData("A = spaced  ", "spaced")]
    [InlineData("export A=exported", "exported")]
    [InlineData("A=\"double quoted\"", "double quoted")]
    [InlineData("A='single quoted'", "single quoted")]
    [InlineData("A=value # a comment", "value")]
    [InlineData("A=value\t# a comment", "value")]
    [InlineData("A=pass#word", "pass#word")]
    [InlineData("A=#notacomment", "#notacomment")]
    [InlineData("A= # only a comment", "")]
    [InlineData("A=\"has # hash\" # comment", "has # hash")]
    [InlineData("A='has # hash'", "has # hash")]
    [InlineData("A=\"line\\nbreak\"", "line\nbreak")]
    [InlineData("A='no\\nescape'", "no\\nescape")]
    [InlineData("A=\"quote \\\" inside\"", "quote \" inside")]
    [InlineData("A=", "")]
    [InlineData("A=x=y", "x=y")]
    public void Parses_a_line_as_dotenv_tools_do(string line, string expected)
    {
        var values = DotEnvFile.Parse(line, "test.env");

        Assert.Equal(expected, values["A"]);
    }

    [Fact]
    public void Skips_blank_lines_and_comments_and_lets_the_last_line_win()
    {
        var values = DotEnvFile.Parse("\uFEFF# heading\n\n   \n  # indented comment\r\nA=1\r\nB=2\nA=3\n", "test.env");

        Assert.Equal("3", values["A"]);
        Assert.Equal("2", values["B"]);
        Assert.Equal(2, values.Count);
    }

    [Fact]
    public void A_double_quoted_value_may_span_lines()
    {
        var values = DotEnvFile.Parse("A=\"first\nsecond\"\nB=after\n", "test.env");

        Assert.Equal("first\nsecond", values["A"]);
        Assert.Equal("after", values["B"]);
    }

    [Theory]
    [InlineData("A=1\nsk_live_leakedsecret\n", 2)]
    [InlineData("A=1\n=sk_live_leakedsecret\n", 2)]
    [InlineData("1BAD=sk_live_leakedsecret", 1)]
    [InlineData("BAD NAME=sk_live_leakedsecret", 1)]
    [InlineData("A=1\nB=\"sk_live_leakedsecret\n", 2)]
    [InlineData("A=\"sk_live_leakedsecret\" trailing", 1)]
    public void Names_the_rejected_line_without_echoing_it(string text, int line)
    {
        var error = Assert.Throws<FormatException>(() => DotEnvFile.Parse(text, "test.env"));

        Assert.Contains($"Line {line} ", error.Message);
        Assert.DoesNotContain("leakedsecret", error.Message);
        Assert.DoesNotContain("BAD", error.Message);
    }
}
