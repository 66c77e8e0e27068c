using System.Text.Json;

namespace StripeIntercom.Intercom;

internal static class Utf8JsonReaderExtensions
{
    /// <summary>
    /// Skips the current value. Bodies are parsed from a stream, where a converter's reader is not the final block and
    /// <see cref="Utf8JsonReader.Skip"/> refuses to run; the serializer has already buffered the whole value, so
    /// <see cref="Utf8JsonReader.TrySkip"/> can only fail on a truncated document.
    /// </summary>
    public static void SkipValue(ref this Utf8JsonReader reader)
    {
        if (!reader.TrySkip())
        {
            throw new JsonException("The JSON value ends before it is complete.");
        }
    }
}
