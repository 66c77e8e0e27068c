using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Resilience;

/// <summary>
/// A response body read to its end into a <see cref="BodyBuffer"/>. A page of 150 contacts is a couple of hundred
/// kilobytes: as one array it would land on the large object heap, which only a full collection frees, so a run listing
/// a million contacts would carry hundreds of megabytes of dead pages between those. Blocks of 16 KB die young.
/// </summary>
internal sealed class BufferedContent : HttpContent
{
    private readonly BodyBuffer _body;

    private BufferedContent(BodyBuffer body) => _body = body;

    /// <summary>
    /// Reads the response's body now and replaces it with the read copy; a body read already is left as it is.
    /// Cancelling disposes the response, for streams that ignore the token. On failure the response is disposed.
    /// </summary>
    public static async Task ReadIntoAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var original = response.Content;
        if (original is null || original is BufferedContent)
        {
            return;
        }

        try
        {
            var body = new BodyBuffer();
            using (cancellationToken.Register(static state => ((HttpResponseMessage)state!).Dispose(), response))
            using (var stream = await original.ReadAsStreamAsync().ConfigureAwait(false))
            {
                while (true)
                {
                    var space = body.FreeSpace(int.MaxValue);
                    var read = await stream.ReadAsync(space.Array!, space.Offset, space.Count, cancellationToken)
                        .ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    body.Commit(read);
                }
            }
            cancellationToken.ThrowIfCancellationRequested();

            var buffered = new BufferedContent(body);
            foreach (
                var header in original.Headers.Where(h =>
                !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
            {
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = buffered;
            original.Dispose();
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        foreach (var segment in _body.Segments())
        {
            await stream.WriteAsync(segment.Array!, segment.Offset, segment.Count).ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new BodyStream(_body));

    private sealed class BodyStream : Stream
    {
        private readonly BodyBuffer _body;
        private long _position;

        public BodyStream(BodyBuffer body) => _body = body;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => _body.Length;

        public override long Position
        {
            get => _position;
            set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var copied = _body.Read(_position, buffer, offset, count);
            _position += copied;
            return copied;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count,
            CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _body.Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
