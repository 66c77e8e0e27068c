using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;

namespace StripeIntercom.Resilience;

/// <summary>
/// The request body read once into memory, so every attempt can send it again. HttpContent may be a one-shot stream,
/// and on .NET Framework a sent content can be disposed by the handler, so each retry gets fresh content built from
/// the same bytes and headers.
/// </summary>
internal sealed class RequestBodySnapshot
{
    private readonly byte[] _bytes;
    private readonly KeyValuePair<string, IEnumerable<string>>[] _headers;

    private RequestBodySnapshot(byte[] bytes, KeyValuePair<string, IEnumerable<string>>[] headers)
    {
        _bytes = bytes;
        _headers = headers;
    }

    public static async Task<RequestBodySnapshot?> CaptureAsync(HttpContent? content)
    {
        if (content is null)
        {
            return null;
        }
        // netstandard2.0 offers no cancellable overload; request bodies here are small JSON or form documents.
        var bytes = await content.ReadAsByteArrayAsync().ConfigureAwait(false);
        var headers = content.Headers.Select(h =>
            new KeyValuePair<string, IEnumerable<string>>(h.Key, h.Value.ToArray())).ToArray();
        return new RequestBodySnapshot(bytes, headers);
    }

    public HttpContent CreateContent()
    {
        var content = new ByteArrayContent(_bytes);
        foreach (var header in _headers)
        {
            // ByteArrayContent computes Content-Length itself; copying it would add a second value.
            if (header.Key.Equals("Content-Length", System.StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        return content;
    }
}
