using StripeIntercom.Resilience;
using Xunit;

namespace StripeIntercom.Tests.Resilience;

public sealed class LogSafePathTests
{
    [Theory]
    [InlineData("https://api.intercom.io/contacts/65f1c2d3e4", "/contacts/{id}")]
    [InlineData("https://api.intercom.io/contacts/find_by_external_id/ada%40example.com",
        "/contacts/find_by_external_id/{id}")]
    [InlineData("https://api.intercom.io/contacts?per_page=150&starting_after=WzE2", "/contacts")]
    [InlineData("https://api.stripe.com/v1/customers/cus_NffrFeUfNV2Hib", "/v1/customers/{id}")]
    [InlineData("https://api.intercom.io/contacts/65f1/archive", "/contacts/{id}/archive")]
    public void Ids_and_queries_are_kept_out_of_log_lines(string url, string expected)
    {
        Assert.Equal(expected, LogSafePath.Of(new Uri(url)));
    }
}
