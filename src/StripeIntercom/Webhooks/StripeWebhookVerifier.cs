using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Stripe;
using StripeIntercom.Incremental;

namespace StripeIntercom.Webhooks;

/// <summary>Checks that a delivery really comes from Stripe and says which customer it concerns.</summary>
public sealed class StripeWebhookVerifier
{
    private readonly string _secret;
    private readonly long _toleranceSeconds;
    private readonly Func<DateTimeOffset> _utcNow;

    /// <param name="secret">The endpoint's signing secret (whsec_...).</param>
    /// <param name="tolerance">How old a signature timestamp may be; Stripe recommends 5 minutes.</param>
    /// <param name="utcNow">The clock; tests pass a fixed one.</param>
    public StripeWebhookVerifier(string secret, TimeSpan tolerance, Func<DateTimeOffset>? utcNow = null)
    {
        if (string.IsNullOrEmpty(secret))
        {
            throw new ArgumentException("The webhook signing secret is empty.", nameof(secret));
        }

        if (tolerance <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), "The tolerance must be positive.");
        }

        _secret = secret;
        _toleranceSeconds = (long)tolerance.TotalSeconds;
        _utcNow = utcNow ?? (() => DateTimeOffset.UtcNow);
    }

    /// <exception cref="WebhookVerificationException">The delivery must be rejected; see its Reason.</exception>
    public WebhookDelivery Verify(string payload, string? signatureHeader)
    {
        if (!HasTimestampAndSignature(signatureHeader))
        {
            throw new WebhookVerificationException(
                WebhookVerificationFailure.MissingSignature,
                "The request has no usable Stripe-Signature header (expected t=<timestamp>,v1=<signature>).");
        }

        if (string.IsNullOrEmpty(payload))
        {
            throw new WebhookVerificationException(
                WebhookVerificationFailure.MalformedPayload, "The request body is empty.");
        }

        var now = _utcNow().ToUnixTimeSeconds();
        Event stripeEvent;
        try
        {
            // The endpoint's API version may differ from Stripe.net's; only id, type, created and the
            // customer id are read, and those do not change between versions.
            stripeEvent = EventUtility.ConstructEvent(
                payload, signatureHeader, _secret, _toleranceSeconds, now, throwOnApiVersionMismatch: false);
        }
        catch (Exception ex) when (ex is StripeException || ex is OverflowException)
        {
            throw SignatureFailure(payload, signatureHeader!, now);
        }
        catch (Exception ex) when (ex is JsonException || ex is ArgumentException || ex is FormatException
                                   || ex is InvalidOperationException || ex is NotSupportedException)
        {
            throw new WebhookVerificationException(
                WebhookVerificationFailure.MalformedPayload,
                "The signature is valid but the body is not a Stripe event: " + ex.GetType().Name + ".");
        }

        if (string.IsNullOrEmpty(stripeEvent.Id) || string.IsNullOrEmpty(stripeEvent.Type))
        {
            throw new WebhookVerificationException(
                WebhookVerificationFailure.MalformedPayload, "The event has no id or no type.");
        }

        var customerId = CustomerIdOf(payload);
        var created = new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));
        var relevant = CustomerEventTypes.IsRelevant(stripeEvent.Type) && customerId != null;
        return new WebhookDelivery(stripeEvent.Id, stripeEvent.Type, created, customerId, relevant, stripeEvent);
    }

    /// <summary>
    /// What can be judged from the Stripe-Signature header alone, before a body is read: null when it may be
    /// valid, else why it cannot be (no usable header, or a timestamp outside the tolerance, whatever the body).
    /// </summary>
    internal WebhookVerificationFailure? CheckHeader(string? signatureHeader)
    {
        if (!TryParseHeader(signatureHeader, out var timestamp, out _))
        {
            return WebhookVerificationFailure.MissingSignature;
        }

        var age = _utcNow().ToUnixTimeSeconds() - timestamp;
        return age > _toleranceSeconds || age < -_toleranceSeconds ? WebhookVerificationFailure.StaleTimestamp
                                                                   : (WebhookVerificationFailure?)null;
    }

    /// <summary>
    /// True when a v1 signature of the header matches the body, computed over the body's blocks as they are,
    /// so that a large forged body is refused without ever being copied or decoded.
    /// </summary>
    internal bool SignatureMatches(string? signatureHeader, IEnumerable<ArraySegment<byte>> body)
    {
        if (!TryParseHeader(signatureHeader, out var timestamp, out var signatures))
        {
            return false;
        }

        byte[] expected;
        using (var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(_secret)))
        {
            var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
            hmac.AppendData(prefix);
            foreach (var block in body)
            {
                hmac.AppendData(block.Array!, block.Offset, block.Count);
            }

            expected = hmac.GetHashAndReset();
        }

        var matched = false;
        foreach (var signature in signatures)
        {
            matched |= FixedTimeEqualsHex(expected, signature);
        }

        return matched;
    }

    private static bool TryParseHeader(string? header, out long timestamp, out List<string> signatures)
    {
        timestamp = 0;
        signatures = new List<string>();
        if (!HasTimestampAndSignature(header))
        {
            return false;
        }

        foreach (var item in header!.Split(','))
        {
            var parts = item.Trim().Split(new[] { '=' }, 2);
            if (parts[0] == "t")
            {
                timestamp = long.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture);
            }
            else if (parts[0] == "v1")
            {
                signatures.Add(parts[1]);
            }
        }

        return true;
    }

    private static bool FixedTimeEqualsHex(byte[] expected, string hex)
    {
        if (hex.Length != expected.Length * 2)
        {
            return false;
        }

        var difference = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var high = HexValue(hex[2 * i]);
            var low = HexValue(hex[2 * i + 1]);
            difference |= (high < 0 || low < 0) ? 1 : expected[i] ^ ((high << 4) | low);
        }

        return difference == 0;
    }

    private static int HexValue(char c) =>
        c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

    // Stripe.net reports a wrong signature and an old timestamp with the same exception type; checking the
    // signature again without a time limit tells them apart without parsing its messages.
    private WebhookVerificationException SignatureFailure(string payload, string signatureHeader, long now)
    {
        try
        {
            EventUtility.ValidateSignature(payload, signatureHeader, _secret, long.MaxValue, now);
        }
        catch (StripeException)
        {
            return new WebhookVerificationException(WebhookVerificationFailure.BadSignature,
                "No signature in the Stripe-Signature header matches the body: "
                + "check the endpoint's signing secret (whsec_...) and that the body was not altered.");
        }
        catch (Exception ex) when (ex is FormatException || ex is OverflowException)
        {
            return new WebhookVerificationException(
                WebhookVerificationFailure.MissingSignature, "The Stripe-Signature timestamp is out of range.");
        }

        return new WebhookVerificationException(WebhookVerificationFailure.StaleTimestamp,
            $"The signature is valid but its timestamp is more than {_toleranceSeconds} seconds "
            + "from this machine's clock: a replayed delivery, or a clock out of sync.");
    }

    private static bool HasTimestampAndSignature(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }

        var hasTimestamp = false;
        var hasV1 = false;
        foreach (var item in header!.Split(','))
        {
            var parts = item.Trim().Split(new[] { '=' }, 2);
            if (parts.Length != 2)
            {
                return false;
            }

            if (parts[0] == "t")
            {
                hasTimestamp = long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _);
            }
            else if (parts[0] == "v1" && parts[1].Length > 0)
            {
                hasV1 = true;
            }
        }

        return hasTimestamp && hasV1;
    }

    private static string? CustomerIdOf(string payload)
    {
        using (var document = JsonDocument.Parse(payload))
        {
            return document.RootElement.TryGetProperty("data", out var data)
                && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("object", out var dataObject)
                ? EventCustomerId.FromDataObject(dataObject)
                : null;
        }
    }
}
