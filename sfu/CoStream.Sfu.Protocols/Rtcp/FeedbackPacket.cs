using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>
/// The common layout of RFC 4585 feedback messages whose FCI is a list of fixed-size entries
/// (Generic NACK, FIR): header, sender SSRC, media SSRC, then the entries.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|   FMT   |       PT      |          length               |
/// |                  SSRC of packet sender                        |
/// |                  SSRC of media source                         |
/// :            Feedback Control Information (FCI)                 :
/// </code>
/// </summary>
internal static class FeedbackPacket
{
    public static RtcpError TryRead<T>(ReadOnlySpan<byte> data, RtcpPacketType type, byte format,
        out uint senderSsrc, out uint mediaSsrc, out RtcpEntryList<T> entries, out int consumed)
        where T : struct, IRtcpEntry<T>
    {
        senderSsrc = mediaSsrc = 0;
        entries = default;
        var error = RtcpPacket.TryReadBody(data, type, format, out _, out var body, out consumed);
        if (error != RtcpError.None) return error;
        if (body.Length < PictureLossIndication.CommonFeedbackSize)
        {
            consumed = 0;
            return RtcpError.TooShort;
        }
        var fci = body.Slice(PictureLossIndication.CommonFeedbackSize);
        if (fci.IsEmpty || fci.Length % T.EntrySize != 0)
        {
            consumed = 0;
            return RtcpError.BadFci;
        }
        senderSsrc = BinaryPrimitives.ReadUInt32BigEndian(body.Slice(PictureLossIndication.SenderSsrcOffset));
        mediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(body.Slice(PictureLossIndication.MediaSsrcOffset));
        entries = RtcpEntryList<T>.FromWire(fci);
        return RtcpError.None;
    }

    public static int Write<T>(Span<byte> destination, RtcpPacketType type, byte format, uint senderSsrc, uint mediaSsrc, RtcpEntryList<T> entries)
        where T : struct, IRtcpEntry<T>
    {
        int size = RtcpHeader.Size + PictureLossIndication.CommonFeedbackSize + entries.ByteLength;
        RtcpWriter.EnsureSpace(destination, size);
        RtcpHeader.Write(destination, format, type, size);
        var body = destination.Slice(RtcpHeader.Size);
        BinaryPrimitives.WriteUInt32BigEndian(body.Slice(PictureLossIndication.SenderSsrcOffset), senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(body.Slice(PictureLossIndication.MediaSsrcOffset), mediaSsrc);
        entries.WriteTo(body.Slice(PictureLossIndication.CommonFeedbackSize));
        return size;
    }
}
