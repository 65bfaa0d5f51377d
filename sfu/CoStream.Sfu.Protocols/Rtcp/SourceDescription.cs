using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>SDES: source description (RFC 3550 §6.5). Chunks and items are views over the input.</summary>
/// <remarks>
/// <code>
///         0                   1                   2                   3
///         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// header |V=2|P|    SC   |  PT=SDES=202  |             length            |
///        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// chunk  |                          SSRC/CSRC_1                          |
///   1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///        |                           SDES items                          |
///        |                              ...                              |
///        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// item:  |    type (8)   |   length (8)  |  text (length bytes) ...
/// </code>
/// A chunk's item list ends with one or more null octets (END), padded to the next 32-bit boundary.
/// </remarks>
public readonly ref struct SourceDescription
{
    internal const int SsrcSize = 4;
    internal const int ItemHeaderSize = 2;
    public const int MaxItemLength = 255;

    private readonly ReadOnlySpan<byte> _chunks;
    private readonly int _chunkCount;
    private readonly uint _cnameSsrc;
    private readonly ReadOnlySpan<byte> _cname;
    private readonly bool _isCnameWriter;

    /// <summary>A single chunk with a single CNAME item, for writing.</summary>
    public SourceDescription(uint ssrc, ReadOnlySpan<byte> cname)
    {
        if (cname.Length > MaxItemLength)
        {
            RtcpWriter.ThrowArgument(nameof(cname), "An SDES item holds at most 255 bytes.");
        }

        _cnameSsrc = ssrc;
        _cname = cname;
        _isCnameWriter = true;
        _chunks = default;
        _chunkCount = 1;
    }

    private SourceDescription(ReadOnlySpan<byte> chunks, int chunkCount)
    {
        _chunks = chunks;
        _chunkCount = chunkCount;
        _cnameSsrc = 0;
        _cname = default;
        _isCnameWriter = false;
    }

    public int ChunkCount => _chunkCount;

    public SdesChunkEnumerator Chunks => _isCnameWriter
        ? new SdesChunkEnumerator(_cnameSsrc, _cname)
        : new SdesChunkEnumerator(_chunks, _chunkCount);

    public static RtcpError TryRead(ReadOnlySpan<byte> data, out SourceDescription value, out int consumed)
    {
        value = default;
        var error = RtcpPacket.TryReadBody(data, RtcpPacketType.SourceDescription, RtcpPacket.AnyFormat, out var header, out var body, out consumed);
        if (error != RtcpError.None)
        {
            return error;
        }

        int pos = 0;
        for (int chunk = 0; chunk < header.Count; chunk++)
        {
            error = SkipChunk(body, ref pos);
            if (error != RtcpError.None)
            {
                consumed = 0;
                return error;
            }
        }

        if (pos != body.Length)
        {
            consumed = 0;
            return RtcpError.TrailingBytes;
        }

        value = new SourceDescription(body, header.Count);
        return RtcpError.None;
    }

    /// <summary>Checks one chunk starting at <paramref name="pos"/> and moves past its END and padding.</summary>
    private static RtcpError SkipChunk(ReadOnlySpan<byte> body, ref int pos)
    {
        if (body.Length - pos < SsrcSize)
        {
            return RtcpError.CountMismatch;
        }

        pos += SsrcSize;
        while (true)
        {
            if (pos >= body.Length)
            {
                return RtcpError.BadSdesChunk;
            }

            if (body[pos] == (byte)SdesItemType.End)
            {
                pos = RtcpPacket.Align4(pos + 1);
                return pos <= body.Length ? RtcpError.None : RtcpError.BadSdesChunk;
            }

            if (body.Length - pos < ItemHeaderSize || body.Length - pos - ItemHeaderSize < body[pos + 1])
            {
                return RtcpError.BadSdesChunk;
            }

            pos += ItemHeaderSize + body[pos + 1];
        }
    }

    public int GetSize() => _isCnameWriter
        ? RtcpPacket.Align4(RtcpHeader.Size + SsrcSize + ItemHeaderSize + _cname.Length + 1)
        : RtcpHeader.Size + RtcpPacket.Align4(_chunks.Length);

    public int WriteTo(Span<byte> destination)
    {
        int size = GetSize();
        RtcpWriter.EnsureSpace(destination, size);
        RtcpHeader.Write(destination, _chunkCount, RtcpPacketType.SourceDescription, size);
        var body = destination.Slice(RtcpHeader.Size, size - RtcpHeader.Size);
        body.Clear();
        if (_isCnameWriter)
        {
            BinaryPrimitives.WriteUInt32BigEndian(body, _cnameSsrc);
            body[SsrcSize] = (byte)SdesItemType.Cname;
            body[SsrcSize + 1] = (byte)_cname.Length;
            _cname.CopyTo(body.Slice(SsrcSize + ItemHeaderSize));
        }
        else
        {
            _chunks.CopyTo(body);
        }

        return size;
    }
}
