using System;
using System.Collections.Generic;

namespace StripeIntercom.Resilience;

/// <summary>
/// An HTTP body as it arrives, in blocks of 16 KB: memory follows what was received, never what was announced, growing
/// never copies, and no block is big enough for the large object heap, which only a full collection frees.
/// </summary>
internal sealed class BodyBuffer
{
    private const int BlockSize = 16 * 1024;
    private readonly List<byte[]> _blocks = new List<byte[]>();
    private int _usedInLast = BlockSize;

    public long Length { get; private set; }

    public void Append(byte[] source, int offset, int count)
    {
        while (count > 0)
        {
            var segment = FreeSpace(count);
            Buffer.BlockCopy(source, offset, segment.Array!, segment.Offset, segment.Count);
            Commit(segment.Count);
            offset += segment.Count;
            count -= segment.Count;
        }
    }

    /// <summary>Room for at most <paramref name="wanted"/> more bytes, at the end; <see cref="Commit"/> what was
    /// written.</summary>
    public ArraySegment<byte> FreeSpace(int wanted)
    {
        if (_usedInLast == BlockSize)
        {
            _blocks.Add(new byte[BlockSize]);
            _usedInLast = 0;
        }

        return new ArraySegment<byte>(_blocks[_blocks.Count - 1], _usedInLast,
            Math.Min(wanted, BlockSize - _usedInLast));
    }

    public void Commit(int count)
    {
        _usedInLast += count;
        Length += count;
    }

    /// <summary>The bytes received, block by block.</summary>
    public IEnumerable<ArraySegment<byte>> Segments()
    {
        var left = Length;
        foreach (var block in _blocks)
        {
            var take = (int)Math.Min(BlockSize, left);
            if (take == 0)
            {
                yield break;
            }

            yield return new ArraySegment<byte>(block, 0, take);
            left -= take;
        }
    }

    /// <summary>Copies up to <paramref name="count"/> bytes from <paramref name="position"/> on; returns how many there
    /// were.</summary>
    public int Read(long position, byte[] destination, int offset, int count)
    {
        var copied = 0;
        while (copied < count && position < Length)
        {
            var within = (int)(position % BlockSize);
            var take = (int)Math.Min(Math.Min(count - copied, BlockSize - within), Length - position);
            Buffer.BlockCopy(_blocks[(int)(position / BlockSize)], within, destination, offset + copied, take);
            copied += take;
            position += take;
        }

        return copied;
    }

    public byte[] ToArray()
    {
        var result = new byte[Length];
        Read(0, result, 0, result.Length);
        return result;
    }
}
