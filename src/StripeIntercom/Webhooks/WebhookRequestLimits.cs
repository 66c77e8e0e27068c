using System;
using System.Globalization;
using System.Threading;

namespace StripeIntercom.Webhooks;

/// <summary>
/// What one request may take (<see cref="WebhookListenerOptions"/>): requests at once, header and body sizes, and the
/// deadlines of headers, body and response. The listener's connections consult it; it owns the concurrency slots.
/// </summary>
internal sealed class WebhookRequestLimits
{
    private readonly WebhookListenerOptions _options;
    private readonly SemaphoreSlim _slots;

    public WebhookRequestLimits(WebhookListenerOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
        _slots = new SemaphoreSlim(_options.MaxConcurrentRequests, _options.MaxConcurrentRequests);
    }

    public int MaxHeaderBytes => _options.MaxHeaderBytes;

    public int MaxBodyBytes => _options.MaxBodyBytes;

    public TimeSpan HeaderTimeout => _options.HeaderTimeout;

    public TimeSpan BodyTimeout => _options.BodyTimeout;

    public TimeSpan WriteTimeout => _options.WriteTimeout;

    /// <summary>
    /// Takes one of the request slots, without waiting; false when all are taken (the request gets 503).
    /// </summary>
    public bool TryEnter() => _slots.Wait(0);

    /// <summary>Gives back the slot <see cref="TryEnter"/> took.</summary>
    public void Exit() => _slots.Release();

    /// <summary>
    /// How the body is framed, from the request's headers: chunked, or its length. A missing length is answered
    /// 411, a length beyond the limit 413, and an ambiguous or malformed framing 400.
    /// </summary>
    /// <exception cref="HttpRequestRejection">The framing is refused.</exception>
    public (bool Chunked, long Length) CheckBodyFraming(HttpRequestHead head)
    {
        var transferEncoding = head.Header("Transfer-Encoding");
        var lengthText = head.Header("Content-Length");
        var chunked = false;
        long length = 0;
        if (transferEncoding is not null)
        {
            if (lengthText is not null
                || !string.Equals(transferEncoding.Trim(), "chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new HttpRequestRejection(400, "BadRequest");
            }

            chunked = true;
        }
        else if (lengthText is null)
        {
            throw new HttpRequestRejection(411, "LengthRequired");
        }
        else if (!long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out length))
        {
            throw new HttpRequestRejection(400, "BadRequest");
        }

        if (length > _options.MaxBodyBytes)
        {
            throw new HttpRequestRejection(413, "BodyTooLarge");
        }

        return (chunked, length);
    }
}
