using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Resilience;

/// <summary>
/// A response body read to its end into small chunks. A page of 150 contacts is a couple of hundred kilobytes: as one
/// array it would land on the large object heap, which only a full collection frees, so a run listing a million contacts
/// would carry hundreds of megabytes of dead pages between those. Chunks below the large-object threshold die young.
/// </summary>
internal sealed class BufferedContent : HttpContent
{
    private const int ChunkSize = 16 * 1024;

    private readonly IReadOnlyList<byte[]> _chunks;
    private readonly long _length;

    private BufferedContent(IReadOnlyList<byte[]> chunks, long length)
    {
        _chunks = chunks;
        _length = length;
    }

    /// <summary>
    /// Reads the response's body now and replaces it with the read copy; a body read already is left as it is.
    /// Cancelling disposes the response, for streams that ignore the token. On failure the response is disposed.
    /// </summary>
    public static async Task ReadIntoAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var original = response.Content;
        if (original is null || original is BufferedContent) return;
        try
        {
            var chunks = new List<byte[]>();
            long length = 0;
            using (cancellationToken.Register(static state => ((HttpResponseMessage)state!).Dispose(), response))
            using (var stream = await original.ReadAsStreamAsync().ConfigureAwait(false))
            {
                while (true)
                {
                    var chunk = new byte[ChunkSize];
                    var filled = 0;
                    int read;
                    while (filled < ChunkSize && (read = await stream.ReadAsync(chunk, filled, ChunkSize - filled, cancellationToken).ConfigureAwait(false)) > 0)
                        filled += read;
                    if (filled > 0) chunks.Add(chunk);
                    length += filled;
                    if (filled < ChunkSize) break;
                }
            }
            cancellationToken.ThrowIfCancellationRequested();

            var buffered = new BufferedContent(chunks, length);
            foreach (var header in original.Headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
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
        for (var i = 0; i < _chunks.Count; i++)
            await stream.WriteAsync(_chunks[i], 0, ChunkLength(i)).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new ChunkStream(this));

    private int ChunkLength(int index) => index < _chunks.Count - 1 ? ChunkSize : (int)(_length - (long)index * ChunkSize);

    private sealed class ChunkStream : Stream
    {
        private readonly BufferedContent _content;
        private long _position;

        public ChunkStream(BufferedContent content) => _content = content;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => _content._length;

        public override long Position
        {
            get => _position;
            set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var copied = 0;
            while (copied < count && _position < _content._length)
            {
                var index = (int)(_position / ChunkSize);
                var within = (int)(_position % ChunkSize);
                var take = Math.Min(count - copied, _content.ChunkLength(index) - within);
                Buffer.BlockCopy(_content._chunks[index], within, buffer, offset + copied, take);
                copied += take;
                _position += take;
            }

            return copied;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _content._length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
