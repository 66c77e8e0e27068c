using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using StripeIntercom.Resilience;

namespace StripeIntercom.Webhooks;

/// <summary>Why a request could not be read; the listener answers and counts it, and never echoes the
/// request.</summary>
internal sealed class HttpRequestRejection : Exception
{
    public HttpRequestRejection(int status, string reason)
        : base(reason)
    {
        Status = status;
        Reason = reason;
    }

    /// <summary>The status to answer with, or 0 when the client is gone and nothing can be answered.</summary>
    public int Status { get; }

    /// <summary>A short name for the rejection summary (BadRequest, HeadersTooLarge, ...).</summary>
    public string Reason { get; }
}

/// <summary>The request line and headers of one HTTP/1.x request.</summary>
internal sealed class HttpRequestHead
{
    public HttpRequestHead(string method, string path, Dictionary<string, string> headers)
    {
        Method = method;
        Path = path;
        Headers = headers;
    }

    public string Method { get; }

    /// <summary>The target's path, without its query.</summary>
    public string Path { get; }

    public Dictionary<string, string> Headers { get; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// Reads one HTTP/1.x request from a socket, incrementally and within limits: headers up to a size, then a
/// body (Content-Length or chunked) up to a size, never allocating more than what has arrived (twice at
/// most). Deadlines are the caller's: it closes the socket when one passes, which ends a pending read.
/// </summary>
internal sealed class HttpRequestReader
{
    private const int ReadSize = 16 * 1024;
    private readonly Socket _socket;
    private readonly int _maxHeaderBytes;
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    public HttpRequestReader(Socket socket, int maxHeaderBytes)
    {
        _socket = socket;
        _maxHeaderBytes = maxHeaderBytes;
    }

    /// <summary>The request's head, or null when the client closed without sending anything.</summary>
    public async Task<HttpRequestHead?> ReadHeadAsync()
    {
        var scanned = 0;
        while (true)
        {
            var end = IndexOfHeaderEnd(scanned);
            if (end >= 0)
            {
                var text = Encoding.ASCII.GetString(_buffer, _start, end - _start);
                _start = end + 4;
                return Parse(text);
            }

            scanned = Math.Max(_start, _end - 3);
            if (_end - _start >= _maxHeaderBytes)
            {
                throw new HttpRequestRejection(431, "HeadersTooLarge");
            }

            if (_end == _buffer.Length)
            {
                var grown = new byte[Math.Min(_buffer.Length * 2, _maxHeaderBytes + 4)];
                Buffer.BlockCopy(_buffer, _start, grown, 0, _end - _start);
                scanned -= _start;
                _end -= _start;
                _start = 0;
                _buffer = grown;
            }

            var read = await ReceiveAsync(_buffer, _end, _buffer.Length - _end).ConfigureAwait(false);
            if (read == 0)
            {
                if (_end == _start)
                {
                    return null;
                }

                throw new HttpRequestRejection(0, "IncompleteHeaders");
            }

            _end += read;
        }
    }

    /// <summary>Reads a body of exactly <paramref name="length"/> bytes (already checked against the limit).</summary>
    public async Task<BodyBuffer> ReadFixedBodyAsync(long length)
    {
        var body = new BodyBuffer();
        var buffered = (int)Math.Min(_end - _start, length);
        body.Append(_buffer, _start, buffered);
        _start += buffered;
        while (body.Length < length)
        {
            var segment = body.FreeSpace((int)Math.Min(ReadSize, length - body.Length));
            var read = await ReceiveAsync(segment.Array!, segment.Offset, segment.Count).ConfigureAwait(false);
            if (read == 0)
            {
                throw new HttpRequestRejection(0, "IncompleteBody");
            }

            body.Commit(read);
        }

        return body;
    }

    /// <summary>Reads a chunked body, refusing it (413) as soon as it passes <paramref name="maxBytes"/>.</summary>
    public async Task<BodyBuffer> ReadChunkedBodyAsync(int maxBytes)
    {
        var body = new BodyBuffer();
        while (true)
        {
            var sizeLine = await ReadLineAsync(256).ConfigureAwait(false);
            var semicolon = sizeLine.IndexOf(';');
            var sizeText = (semicolon >= 0 ? sizeLine.Substring(0, semicolon) : sizeLine).Trim();
            if (sizeText.Length == 0 || sizeText.Length > 8
                || !long.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size))
            {
                throw new HttpRequestRejection(400, "BadRequest");
            }

            if (size == 0)
            {
                // Trailers, up to the empty line.
                while ((await ReadLineAsync(1024).ConfigureAwait(false)).Length > 0)
                {
                }

                return body;
            }

            if (body.Length + size > maxBytes)
            {
                throw new HttpRequestRejection(413, "BodyTooLarge");
            }

            while (size > 0)
            {
                if (_end == _start)
                {
                    await FillAsync().ConfigureAwait(false);
                }

                var take = (int)Math.Min(size, _end - _start);
                body.Append(_buffer, _start, take);
                _start += take;
                size -= take;
            }

            if ((await ReadLineAsync(2).ConfigureAwait(false)).Length != 0)
            {
                throw new HttpRequestRejection(400, "BadRequest");
            }
        }
    }

    private async Task<string> ReadLineAsync(int maxLength)
    {
        var scanned = _start;
        while (true)
        {
            for (var i = scanned; i < _end - 1; i++)
            {
                if (_buffer[i] == '\r' && _buffer[i + 1] == '\n')
                {
                    var line = Encoding.ASCII.GetString(_buffer, _start, i - _start);
                    _start = i + 2;
                    return line;
                }
            }

            if (_end - _start > maxLength + 2)
            {
                throw new HttpRequestRejection(400, "BadRequest");
            }

            scanned = Math.Max(_start, _end - 1);
            var offset = _start;
            await FillAsync().ConfigureAwait(false);
            scanned -= offset - _start;
        }
    }

    /// <summary>Reads more into the buffer, compacting it first; the bytes from _start keep their order.</summary>
    private async Task FillAsync()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new HttpRequestRejection(400, "BadRequest");
        }

        var read = await ReceiveAsync(_buffer, _end, _buffer.Length - _end).ConfigureAwait(false);
        if (read == 0)
        {
            throw new HttpRequestRejection(0, "IncompleteBody");
        }

        _end += read;
    }

    private Task<int> ReceiveAsync(byte[] buffer, int offset, int count) =>
        _socket.ReceiveAsync(new ArraySegment<byte>(buffer, offset, count), SocketFlags.None);

    private int IndexOfHeaderEnd(int from)
    {
        for (var i = Math.Max(from, _start); i + 3 < _end; i++)
        {
            if (_buffer[i] == '\r' && _buffer[i + 1] == '\n' && _buffer[i + 2] == '\r' && _buffer[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    private static HttpRequestHead Parse(string text)
    {
        var lines = text.Split(new[] { "\r\n" }, StringSplitOptions.None);
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !IsToken(parts[0]))
        {
            throw new HttpRequestRejection(400, "BadRequest");
        }

        var path = PathOf(parts[1]) ?? throw new HttpRequestRejection(400, "BadRequest");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':');
            if (colon <= 0 || line[0] == ' ' || line[0] == '\t' || !IsToken(line.Substring(0, colon)))
            {
                throw new HttpRequestRejection(400, "BadRequest");
            }

            var name = line.Substring(0, colon);
            var value = line.Substring(colon + 1).Trim();
            if (headers.TryGetValue(name, out var earlier))
            {
                if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase) && earlier != value)
                {
                    throw new HttpRequestRejection(400, "BadRequest");
                }

                headers[name] = earlier + ", " + value;
            }
            else
            {
                headers[name] = value;
            }
        }

        return new HttpRequestHead(parts[0], path, headers);
    }

    private static string? PathOf(string target)
    {
        if (target.StartsWith("/", StringComparison.Ordinal))
        {
            var query = target.IndexOf('?');
            return query >= 0 ? target.Substring(0, query) : target;
        }

        // The absolute form a proxy may send.
        return Uri.TryCreate(target, UriKind.Absolute, out var uri)
                       && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                   ? uri.AbsolutePath
                   : null;
    }

    private static bool IsToken(string text)
    {
        foreach (var c in text)
        {
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".IndexOf(c) >= 0)
            {
                return false;
            }
        }

        return text.Length > 0;
    }
}
