using System.Text.Json.Serialization;

namespace StripeIntercom.Intercom;

/// <summary>An event metadata value Intercom shows as money: the amount in minor units and the currency.</summary>
public sealed class IntercomPrice
{
    public IntercomPrice(long amount, string currency)
    {
        Amount = amount;
        Currency = currency;
    }

    [JsonPropertyName("amount")] public long Amount { get; }
    [JsonPropertyName("currency")] public string Currency { get; }
}
