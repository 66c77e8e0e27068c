using StripeIntercom.Webhooks;
using Xunit;
using static StripeIntercom.Tests.Webhooks.SignedDeliveries;

namespace StripeIntercom.Tests.Webhooks;

public class StripeWebhookVerifierTests
{
    private static readonly StripeWebhookVerifier Verifier = new(Secret, TimeSpan.FromMinutes(5));

    [Theory]
    [InlineData("customer.updated", "cus_1")]
    [InlineData("customer.subscription.updated", "cus_2")]
    [InlineData("invoice.payment_failed", "cus_3")]
    [InlineData("payment_method.attached", "cus_4")]
    public void Valid_delivery_yields_event_and_customer(string type, string customerId)
    {
        var payload = Payload("evt_valid", type, customerId, created: 1_795_000_123);

        var delivery = Verifier.Verify(payload, Sign(payload));

        Assert.Equal("evt_valid", delivery.EventId);
        Assert.Equal(type, delivery.Type);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_795_000_123), delivery.Created);
        Assert.Equal(customerId, delivery.CustomerId);
        Assert.True(delivery.IsRelevant);
    }

    [Fact]
    public void The_signature_checked_block_by_block_agrees_with_stripe()
    {
        var payload = Payload("evt_blocks", "customer.updated", "cus_1");
        var bytes = System.Text.Encoding.UTF8.GetBytes(payload);
        var blocks = Enumerable.Range(0, (bytes.Length + 6) / 7)
            .Select(i => new ArraySegment<byte>(bytes, i * 7, Math.Min(7, bytes.Length - i * 7)))
            .ToList();

        Assert.True(Verifier.SignatureMatches(Sign(payload), blocks));
        Assert.True(Verifier.SignatureMatches(Sign(payload) + ",v1=" + new string('0', 64), blocks));
        Assert.False(Verifier.SignatureMatches(Sign(payload, "whsec_other"), blocks));
        Assert.False(Verifier.SignatureMatches(Sign(payload + " "), blocks));
        Assert.False(Verifier.SignatureMatches("t=1", blocks));
    }

    [Fact]
    public void The_header_alone_condemns_a_missing_signature_or_a_stale_timestamp()
    {
        Assert.Null(Verifier.CheckHeader(Sign("anything")));
        Assert.Equal(WebhookVerificationFailure.MissingSignature, Verifier.CheckHeader(null));
        Assert.Equal(WebhookVerificationFailure.MissingSignature, Verifier.CheckHeader("v1=abc"));
        Assert.Equal(WebhookVerificationFailure.StaleTimestamp,
            Verifier.CheckHeader(Sign("anything", at: DateTimeOffset.UtcNow.AddMinutes(-20))));
        Assert.Equal(WebhookVerificationFailure.StaleTimestamp,
            Verifier.CheckHeader(Sign("anything", at: DateTimeOffset.UtcNow.AddMinutes(20))));
    }

    [Fact]
    public void Other_api_version_is_accepted()
    {
        var payload = Payload("evt_old_api", "customer.updated", "cus_1", apiVersion: "2024-06-20");

        Assert.Equal("cus_1", Verifier.Verify(payload, Sign(payload)).CustomerId);
    }

    [Fact]
    public void Wrong_secret_is_a_bad_signature_and_the_message_leaks_neither_secret_nor_signature()
    {
        var payload = Payload("evt_1", "customer.updated", "cus_1");
        var header = Sign(payload, "whsec_someone_else");

        var error = Assert.Throws<WebhookVerificationException>(() => Verifier.Verify(payload, header));

        Assert.Equal(WebhookVerificationFailure.BadSignature, error.Reason);
        Assert.DoesNotContain(Secret, error.ToString());
        Assert.DoesNotContain("whsec_someone_else", error.ToString());
        Assert.DoesNotContain(header.Split("v1=")[1], error.ToString());
    }

    [Fact]
    public void Tampered_payload_is_a_bad_signature()
    {
        var payload = Payload("evt_1", "customer.updated", "cus_1");
        var header = Sign(payload);

        var error = Assert.Throws<WebhookVerificationException>(
            () => Verifier.Verify(payload.Replace("cus_1", "cus_2"), header));

        Assert.Equal(WebhookVerificationFailure.BadSignature, error.Reason);
    }

    [Fact]
    public void Old_timestamp_with_a_right_signature_is_stale()
    {
        var payload = Payload("evt_1", "customer.updated", "cus_1");
        var header = Sign(payload, at: DateTimeOffset.UtcNow.AddMinutes(-10));

        var error = Assert.Throws<WebhookVerificationException>(() => Verifier.Verify(payload, header));

        Assert.Equal(WebhookVerificationFailure.StaleTimestamp, error.Reason);
        Assert.Contains("300 seconds", error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("t=123")]
    [InlineData("v1=abc")]
    [InlineData("t=abc,v1=abc")]
    public void Missing_or_unusable_header_is_a_missing_signature(string? header)
    {
        var payload = Payload("evt_1", "customer.updated", "cus_1");

        var error = Assert.Throws<WebhookVerificationException>(() => Verifier.Verify(payload, header));

        Assert.Equal(WebhookVerificationFailure.MissingSignature, error.Reason);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"object\":\"event\"}")]
    public void Signed_body_that_is_no_event_is_malformed(string payload)
    {
        var error = Assert.Throws<WebhookVerificationException>(() => Verifier.Verify(payload, Sign(payload)));

        Assert.Equal(WebhookVerificationFailure.MalformedPayload, error.Reason);
    }

    [Theory]
    [InlineData("charge.succeeded", "cus_1")]
    [InlineData("product.updated", null)]
    [InlineData("invoice.created", null)]
    public void Unrelated_types_and_events_without_customer_are_not_relevant(string type, string? customerId)
    {
        var payload = Payload("evt_1", type, customerId);

        var delivery = Verifier.Verify(payload, Sign(payload));

        Assert.False(delivery.IsRelevant);
        Assert.Equal(type, delivery.Type);
    }
}
