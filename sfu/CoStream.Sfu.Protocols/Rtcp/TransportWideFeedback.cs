using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>
/// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1),
/// PT=205 FMT=15. Reading validates chunks against deltas once; <see cref="GetEnumerator"/> then yields
/// (sequence, status, delta) for every packet without allocating.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|  FMT=15 |    PT=205     |           length              |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                     SSRC of packet sender                     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                      SSRC of media source                     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |      base sequence number     |      packet status count      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                 reference time                | fb pkt. count |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |          packet chunk         |         packet chunk          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// .                                                               .
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         packet chunk          |  recv delta   |  recv delta   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// .                                                               .
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           recv delta          |  recv delta   | zero padding  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Run-length chunk: 0 | S(2) | run length(13). Status vector chunk: 1 | S | 14 one-bit or 7 two-bit symbols.
/// Symbols: 00 not received, 01 received small delta (1 byte, unsigned), 10 received large or negative delta
/// (2 bytes, signed), 11 reserved. Deltas are in 250 µs ticks; reference time in 64 ms units.
/// </remarks>
public readonly ref struct TransportWideFeedback
{
    public const int FixedSize = RtcpHeader.Size + FixedBodySize;
    /// <summary>Duration of one reference-time unit.</summary>
    public const long ReferenceTimeUnitUs = 64_000;
    /// <summary>Duration of one receive-delta tick.</summary>
    public const long DeltaTickUs = 250;
    /// <summary>Largest run a run-length chunk can hold.</summary>
    public const int MaxRunLength = 0x1FFF;
    internal const int FixedBodySize = 16;
    internal const int ChunkSize = 2;
    private const int BaseSequenceOffset = 8;
    private const int StatusCountOffset = 10;
    private const int ReferenceTimeOffset = 12;
    private const int FeedbackCountOffset = 15;

    private TransportWideFeedback(
        uint senderSsrc, uint mediaSsrc, ushort baseSequence, ushort statusCount, int referenceTime,
        byte feedbackPacketCount, ReadOnlySpan<byte> chunks, ReadOnlySpan<byte> deltas)
    {
        SenderSsrc = senderSsrc;
        MediaSsrc = mediaSsrc;
        BaseSequence = baseSequence;
        PacketStatusCount = statusCount;
        ReferenceTime = referenceTime;
        FeedbackPacketCount = feedbackPacketCount;
        Chunks = chunks;
        Deltas = deltas;
    }

    public uint SenderSsrc { get; }

    public uint MediaSsrc { get; }

    /// <summary>Transport-wide sequence number of the first packet described.</summary>
    public ushort BaseSequence { get; }

    /// <summary>Number of packets described, starting at <see cref="BaseSequence"/>.</summary>
    public ushort PacketStatusCount { get; }

    /// <summary>Raw 24-bit reference time, in units of 64 ms.</summary>
    public int ReferenceTime { get; }

    public long ReferenceTimeUs => ReferenceTime * ReferenceTimeUnitUs;

    /// <summary>Feedback packet count (wraps at 256), to detect lost feedback.</summary>
    public byte FeedbackPacketCount { get; }

    /// <summary>The packet chunks (2 bytes each), a slice of the input.</summary>
    public ReadOnlySpan<byte> Chunks { get; }

    /// <summary>The receive deltas, exactly as many bytes as the chunks announce, a slice of the input.</summary>
    public ReadOnlySpan<byte> Deltas { get; }

    public TransportWideFeedbackEnumerator GetEnumerator() =>
        new(Chunks, Deltas, BaseSequence, PacketStatusCount, ReferenceTimeUs);

    public static RtcpError TryRead(ReadOnlySpan<byte> data, out TransportWideFeedback value, out int consumed)
    {
        value = default;
        var error = RtcpPacket.TryReadBody(data, RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.TransportWideCc, out _, out var body, out consumed);
        if (error != RtcpError.None)
        {
            return error;
        }

        error = Validate(body, out int chunkBytes, out int deltaBytes);
        if (error != RtcpError.None)
        {
            consumed = 0;
            return error;
        }

        var rest = body.Slice(FixedBodySize);
        value = new TransportWideFeedback(
            BinaryPrimitives.ReadUInt32BigEndian(body.Slice(PictureLossIndication.SenderSsrcOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(body.Slice(PictureLossIndication.MediaSsrcOffset)),
            BinaryPrimitives.ReadUInt16BigEndian(body.Slice(BaseSequenceOffset)),
            BinaryPrimitives.ReadUInt16BigEndian(body.Slice(StatusCountOffset)),
            (body[ReferenceTimeOffset] << 16) | (body[ReferenceTimeOffset + 1] << 8) | body[ReferenceTimeOffset + 2],
            body[FeedbackCountOffset],
            rest.Slice(0, chunkBytes),
            rest.Slice(chunkBytes, deltaBytes));
        return RtcpError.None;
    }

    /// <summary>Walks the chunks over the status count and checks the deltas they announce are all there.</summary>
    private static RtcpError Validate(ReadOnlySpan<byte> body, out int chunkBytes, out int deltaBytes)
    {
        chunkBytes = 0;
        deltaBytes = 0;
        if (body.Length < FixedBodySize)
        {
            return RtcpError.TooShort;
        }

        int remaining = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(StatusCountOffset));
        if (remaining == 0)
        {
            return RtcpError.EmptyFeedback;
        }

        var rest = body.Slice(FixedBodySize);
        while (remaining > 0)
        {
            if (rest.Length - chunkBytes < ChunkSize)
            {
                return RtcpError.ChunksExceedPacket;
            }

            int chunk = BinaryPrimitives.ReadUInt16BigEndian(rest.Slice(chunkBytes));
            chunkBytes += ChunkSize;
            int symbols = TwccChunk.SymbolCount(chunk);
            if (symbols == 0)
            {
                return RtcpError.BadChunk;
            }

            int used = Math.Min(symbols, remaining);
            for (int i = 0; i < used; i++)
            {
                int symbol = TwccChunk.Symbol(chunk, i);
                if (symbol == TwccChunk.Reserved)
                {
                    return RtcpError.ReservedStatusSymbol;
                }

                deltaBytes += symbol; // 0, 1 or 2 bytes of delta
            }

            remaining -= used;
        }

        int left = rest.Length - chunkBytes - deltaBytes;
        if (left < 0)
        {
            return RtcpError.DeltasExceedPacket;
        }

        return left > 3 ? RtcpError.TrailingBytes : RtcpError.None;
    }

    /// <summary>Size when written: header, fixed fields, chunks, deltas and zero padding to 32 bits (no P bit).</summary>
    public int GetSize() => RtcpPacket.Align4(FixedSize + Chunks.Length + Deltas.Length);

    public int WriteTo(Span<byte> destination)
    {
        int size = GetSize();
        RtcpWriter.EnsureSpace(destination, size);
        WriteFixed(destination, size, SenderSsrc, MediaSsrc, BaseSequence, PacketStatusCount, ReferenceTime, FeedbackPacketCount);
        Chunks.CopyTo(destination.Slice(FixedSize));
        Deltas.CopyTo(destination.Slice(FixedSize + Chunks.Length));
        destination.Slice(FixedSize + Chunks.Length + Deltas.Length, size - FixedSize - Chunks.Length - Deltas.Length).Clear();
        return size;
    }

    /// <summary>Writes the header and the 16 fixed body bytes of a packet of <paramref name="size"/> bytes.</summary>
    internal static void WriteFixed(
        Span<byte> destination, int size, uint senderSsrc, uint mediaSsrc, ushort baseSequence,
        ushort statusCount, int referenceTime, byte feedbackPacketCount)
    {
        RtcpHeader.Write(destination, RtcpFeedbackFormat.TransportWideCc, RtcpPacketType.TransportFeedback, size);
        var body = destination.Slice(RtcpHeader.Size);
        BinaryPrimitives.WriteUInt32BigEndian(body.Slice(PictureLossIndication.SenderSsrcOffset), senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(body.Slice(PictureLossIndication.MediaSsrcOffset), mediaSsrc);
        BinaryPrimitives.WriteUInt16BigEndian(body.Slice(BaseSequenceOffset), baseSequence);
        BinaryPrimitives.WriteUInt16BigEndian(body.Slice(StatusCountOffset), statusCount);
        body[ReferenceTimeOffset] = (byte)(referenceTime >> 16);
        body[ReferenceTimeOffset + 1] = (byte)(referenceTime >> 8);
        body[ReferenceTimeOffset + 2] = (byte)referenceTime;
        body[FeedbackCountOffset] = feedbackPacketCount;
    }
}
