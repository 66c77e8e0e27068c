using System.Text.Json.Nodes;
using Stripe;

namespace StripeIntercom.Tests.Webhooks;

/// <summary>Webhook bodies as Stripe sends them, signed the way Stripe signs them.</summary>
internal static class SignedDeliveries
{
    public const string Secret = "whsec_test_0123456789abcdef";

    public static string Payload(string eventId, string type, string? customerId, long created = 1_795_000_000,
        string apiVersion = "2026-10-28.endive")
    {
        var dataObject = type.StartsWith("customer.", StringComparison.Ordinal)
            && !type.StartsWith("customer.subscription.", StringComparison.Ordinal)
            ? new JsonObject { ["id"] = customerId, ["object"] = "customer" }
            : new JsonObject
            {
                ["id"] = "obj_" + eventId,
                ["object"] = type.Split('.')[^2] == "subscription" ? "subscription" : type.Split('.')[0],
                ["customer"] = customerId,
            };
        return new JsonObject
        {
            ["id"] = eventId,
            ["object"] = "event",
            ["api_version"] = apiVersion,
            ["created"] = created,
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
            ["data"] = new JsonObject { ["object"] = dataObject },
        }.ToJsonString();
    }

    public static string Sign(string payload, string secret = Secret, DateTimeOffset? at = null) =>
        EventUtility.GenerateSignatureHeader(payload, secret, (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds());
}
