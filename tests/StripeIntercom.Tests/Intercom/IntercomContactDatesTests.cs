using System.Text.Json;
using StripeIntercom.Intercom;
using Xunit;

namespace StripeIntercom.Tests.Intercom;

/// <summary>Intercom sends Unix seconds; a contact holds dates.</summary>
public class IntercomContactDatesTests
{
    [Fact]
    public void Reads_unix_seconds_as_dates_and_a_missing_sign_up_as_null()
    {
        var contact = JsonSerializer.Deserialize<IntercomContact>(
            """{"id":"c1","created_at":1700000000,"updated_at":1700000600,"signed_up_at":null}""")!;

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), contact.CreatedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000600), contact.UpdatedAt);
        Assert.Null(contact.SignedUpAt);
        Assert.Null(JsonSerializer.Deserialize<IntercomContact>("""{"id":"c2"}""")!.SignedUpAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1600000000),
            JsonSerializer.Deserialize<IntercomContact>("""{"id":"c3","signed_up_at":1600000000}""")!.SignedUpAt);
    }

    [Fact]
    public void Writes_dates_back_as_unix_seconds()
    {
        var json = JsonSerializer.Serialize(
            new IntercomContact { Id = "c1", CreatedAt = DateTimeOffset.FromUnixTimeSeconds(1700000000) });

        Assert.Contains("\"created_at\":1700000000", json);
    }
}
