using StripeIntercom.Events;
using StripeIntercom.Intercom;
using Xunit;

namespace StripeIntercom.Tests.Contract;

/// <summary>Data events, through Prism: POST /events as the billing events send it, and GET /events.</summary>
public sealed partial class IntercomContractTests
{
    [Fact]
    public async Task Data_event_requests_match_the_published_contract()
    {
        var contact = await _client.CreateContactAsync(new IntercomContactWrite
        {
            Role = "user",
            ExternalId = "cus_contract_events",
            Email = "contract-events@example.test",
        });
        var billingEvent = new BillingEvent("evt_contract_1", BillingEventTypes.InvoicePaymentFailed,
            "stripe-payment-failed", "cus_contract_events", 1_795_000_000, new[]
            {
                Pair("amount", new IntercomPrice(4900, "usd")),
                Pair("invoice_number", "ABCD-0001"),
                Pair("invoice", new IntercomRichLink("https://invoice.stripe.com/i/acct_fake/test_1", "ABCD-0001")),
                Pair("attempt_count", 2L),
                Pair("next_attempt_date", 1_795_086_400L),
                Pair("stripe_event_id", "evt_contract_1"),
            });
        var body = BillingEventSender.ToDataEvent(billingEvent, "stripe-payment-failed", contact.Id);
        await _client.SendDataEventAsync(body);
        // The same event again, as a webhook and the next run both send it: accepted, and kept once.
        await _client.SendDataEventAsync(body);

        var listed = await _client.ListDataEventsAsync(contact.Id);
        var only = Assert.Single(listed);
        Assert.Equal("stripe-payment-failed", only.EventName);
        Assert.Equal(1_795_000_000, only.CreatedAt);
        Assert.Equal(4900, only.MetadataValue("amount")!.Value.GetProperty("amount").GetInt64());
        Assert.Equal("evt_contract_1", only.MetadataValue("stripe_event_id")!.Value.GetString());
        AssertNoRequestViolations(KnownEventGaps);
    }

    private static KeyValuePair<string, object?> Pair(string key, object? value) => new(key, value);

    /// <summary>
    /// Two gaps in the description, not in the client. POST /events types every metadata value as a string, though its
    /// own text documents numbers, dates, rich links and monetary amounts. GET /events declares its user as a query
    /// parameter "filter", an exploded form object whose oneOf (user_id, intercom_user_id or email) Prism does not
    /// match against the documented URL itself (<c>events?type=user&amp;intercom_user_id={id}</c>). Exactly those
    /// violations are known; every other check stays on.
    /// </summary>
    private static bool KnownEventGaps(string violation) =>
        System.Text.RegularExpressions.Regex.IsMatch(violation,
            @"^POST /events: \[request\.body\.metadata\.[A-Za-z0-9_]+\] Request body property "
            + @"metadata\.[A-Za-z0-9_]+ must be string$")
        || violation.StartsWith("GET /events: [request.query.filter] Request query parameter filter must ",
            StringComparison.Ordinal);
}
