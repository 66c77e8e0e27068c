using System.Text.Json;
using Stripe;
using StripeIntercom.Incremental;
using Xunit;

namespace StripeIntercom.Tests.Incremental;

public class EventCustomerIdTests
{
    [Theory]
    [InlineData("{\"id\":\"cus_1\",\"object\":\"customer\"}", "cus_1")]
    [InlineData("{\"id\":\"sub_1\",\"object\":\"subscription\",\"customer\":\"cus_2\"}", "cus_2")]
    [InlineData("{\"id\":\"in_1\",\"object\":\"invoice\",\"customer\":{\"id\":\"cus_3\",\"object\":\"customer\"}}",
        "cus_3")]
    [InlineData("{\"id\":\"di_1\",\"object\":\"discount\",\"customer\":\"cus_4\"}", "cus_4")]
    [InlineData("{\"id\":\"txi_1\",\"object\":\"tax_id\",\"customer\":\"cus_5\"}", "cus_5")]
    [InlineData("{\"id\":\"pm_1\",\"object\":\"payment_method\",\"customer\":null}", null)]
    [InlineData("{\"id\":\"in_2\",\"object\":\"invoice\",\"customer\":\"\"}", null)]
    [InlineData("{\"id\":\"prod_1\",\"object\":\"product\"}", null)]
    public void Reads_the_customer_from_raw_json_and_from_a_stripe_net_event(string dataObject, string? expected)
    {
        using (var document = JsonDocument.Parse(dataObject))
        {
            Assert.Equal(expected, EventCustomerId.FromDataObject(document.RootElement));
        }

        var stripeEvent = EventUtility.ParseEvent(
            "{\"id\":\"evt_1\",\"object\":\"event\",\"api_version\":\"2026-10-28.endive\"," +
            "\"created\":1795000000,\"type\":\"x.y\",\"data\":{\"object\":" + dataObject + "}}",
            throwOnApiVersionMismatch: false);
        // The raw object is what FromEvent reads; the typed fallback only exists in case Stripe.net changes that.
        Assert.IsType<Newtonsoft.Json.Linq.JObject>((object)stripeEvent.Data.RawObject);
        Assert.Equal(expected, EventCustomerId.FromEvent(stripeEvent));
    }
}
