using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>One FIR FCI entry (RFC 5104 §4.3.1.1): the SSRC asked to send a decoder refresh, and the command sequence number.</summary>
/// <remarks>
/// <code>
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                              SSRC                             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Seq nr.       |    Reserved                                   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public readonly record struct FirEntry(uint Ssrc, byte SequenceNumber) : IRtcpEntry<FirEntry>
{
    public const int Size = 8;
    private const int SsrcOffset = 0;
    private const int SequenceNumberOffset = 4;

    static int IRtcpEntry<FirEntry>.EntrySize => Size;

    static FirEntry IRtcpEntry<FirEntry>.ReadEntry(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt32BigEndian(source.Slice(SsrcOffset)), source[SequenceNumberOffset]);

    void IRtcpEntry<FirEntry>.WriteEntry(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(SsrcOffset), Ssrc);
        destination[SequenceNumberOffset] = SequenceNumber;
        destination.Slice(SequenceNumberOffset + 1, Size - SequenceNumberOffset - 1).Clear();
    }
}

/// <summary>FIR: full intra request (RFC 5104 §4.3.1), PT=206 FMT=4.</summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|  FMT=4  |    PT=206     |             length            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of packet sender                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |             SSRC of media source (unused, 0)                  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// :            Feedback Control Information (FCI): FirEntry × n   :
/// </code>
/// </remarks>
public readonly ref struct FullIntraRequest
{
    public FullIntraRequest(uint senderSsrc, ReadOnlySpan<FirEntry> entries, uint mediaSsrc = 0)
        : this(senderSsrc, mediaSsrc, new RtcpEntryList<FirEntry>(entries))
    {
    }

    private FullIntraRequest(uint senderSsrc, uint mediaSsrc, RtcpEntryList<FirEntry> entries)
    {
        SenderSsrc = senderSsrc;
        MediaSsrc = mediaSsrc;
        Entries = entries;
    }

    public uint SenderSsrc { get; }

    /// <summary>RFC 5104 says this is 0; the SSRCs that should refresh are in <see cref="Entries"/>.</summary>
    public uint MediaSsrc { get; }

    public RtcpEntryList<FirEntry> Entries { get; }

    public static RtcpError TryRead(ReadOnlySpan<byte> data, out FullIntraRequest value, out int consumed)
    {
        var error = FeedbackPacket.TryRead<FirEntry>(data, RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.FullIntraRequest, out var sender, out var media, out var entries, out consumed);
        value = error == RtcpError.None ? new FullIntraRequest(sender, media, entries) : default;
        return error;
    }

    public int GetSize() => RtcpHeader.Size + PictureLossIndication.CommonFeedbackSize + Entries.ByteLength;

    public int WriteTo(Span<byte> destination) =>
        FeedbackPacket.Write(destination, RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.FullIntraRequest, SenderSsrc, MediaSsrc, Entries);
}
