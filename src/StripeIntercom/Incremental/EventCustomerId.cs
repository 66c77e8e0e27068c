using System.Reflection;
using System.Text.Json;
using Newtonsoft.Json.Linq;
using Stripe;

namespace StripeIntercom.Incremental;

/// <summary>
/// Which customer an event is about: the object's own id when the object is a customer, otherwise its
/// <c>customer</c> field (customer.subscription.*, customer.discount.*, invoice.*, payment_method.*).
/// </summary>
public static class EventCustomerId
{
    /// <summary>From the raw <c>data.object</c> of a webhook payload.</summary>
    public static string? FromDataObject(JsonElement dataObject)
    {
        if (dataObject.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (dataObject.TryGetProperty("object", out var objectType)
            && objectType.ValueKind == JsonValueKind.String
            && objectType.GetString() == "customer")
        {
            return dataObject.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                ? NullIfEmpty(id.GetString()) : null;
        }

        if (!dataObject.TryGetProperty("customer", out var customer))
        {
            return null;
        }

        // Expanded customers arrive as objects rather than ids.
        if (customer.ValueKind == JsonValueKind.Object && customer.TryGetProperty("id", out var expandedId))
        {
            customer = expandedId;
        }

        return customer.ValueKind == JsonValueKind.String ? NullIfEmpty(customer.GetString()) : null;
    }

    /// <summary>From an event Stripe.net has already deserialized (the events list).</summary>
    public static string? FromEvent(Event stripeEvent)
    {
        object? raw = stripeEvent.Data?.RawObject;
        if (raw is JObject json)
        {
            return FromRawObject(json);
        }

        return FromTypedObject(stripeEvent.Data?.Object);
    }

    private static string? FromRawObject(JObject dataObject)
    {
        if ((string?)dataObject["object"] == "customer")
        {
            return dataObject["id"]?.Type == JTokenType.String ? NullIfEmpty((string?)dataObject["id"]) : null;
        }

        var customer = dataObject["customer"];
        if (customer is JObject expanded)
        {
            customer = expanded["id"];
        }

        return customer?.Type == JTokenType.String ? NullIfEmpty((string?)customer) : null;
    }

    // Only reached if Stripe.net stops exposing the raw object; every relevant type names its customer CustomerId.
    private static string? FromTypedObject(IHasObject? dataObject)
    {
        if (dataObject is Customer customer)
        {
            return NullIfEmpty(customer.Id);
        }

        var property = dataObject?.GetType().GetProperty("CustomerId", BindingFlags.Public | BindingFlags.Instance);
        return property?.PropertyType == typeof(string) ? NullIfEmpty((string?)property.GetValue(dataObject)) : null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
