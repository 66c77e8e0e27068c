using System.Text.Json.Serialization;

namespace StripeIntercom.Intercom;

/// <summary>An event metadata value Intercom shows as a link with its own text.</summary>
public sealed class IntercomRichLink
{
    public IntercomRichLink(string url, string value)
    {
        Url = url;
        Value = value;
    }

    [JsonPropertyName("url")] public string Url { get; }
    [JsonPropertyName("value")] public string Value { get; }
}
