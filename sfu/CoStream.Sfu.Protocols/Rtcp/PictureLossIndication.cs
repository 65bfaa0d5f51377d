using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>PLI: picture loss indication (RFC 4585 §6.3.1), PT=206 FMT=1, no FCI.</summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|  FMT=1  |    PT=206     |          length=2             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of packet sender                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of media source                         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public readonly struct PictureLossIndication : IEquatable<PictureLossIndication>
{
    public const int Size = 12;
    internal const int SenderSsrcOffset = 0;
    internal const int MediaSsrcOffset = 4;
    internal const int CommonFeedbackSize = 8;

    public PictureLossIndication(uint senderSsrc, uint mediaSsrc)
    {
        SenderSsrc = senderSsrc;
        MediaSsrc = mediaSsrc;
    }

    public uint SenderSsrc { get; }

    public uint MediaSsrc { get; }

    public static RtcpError TryRead(ReadOnlySpan<byte> data, out PictureLossIndication value, out int consumed)
    {
        value = default;
        var error = RtcpPacket.TryReadBody(data, RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.PictureLossIndication, out _, out var body, out consumed);
        if (error != RtcpError.None)
        {
            return error;
        }

        if (body.Length < CommonFeedbackSize)
        {
            consumed = 0;
            return RtcpError.TooShort;
        }

        if (body.Length != CommonFeedbackSize)
        {
            consumed = 0;
            return RtcpError.BadFci;
        }

        value = new PictureLossIndication(
            BinaryPrimitives.ReadUInt32BigEndian(body.Slice(SenderSsrcOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(body.Slice(MediaSsrcOffset)));
        return RtcpError.None;
    }

    public int GetSize() => Size;

    public int WriteTo(Span<byte> destination)
    {
        RtcpWriter.EnsureSpace(destination, Size);
        RtcpHeader.Write(destination, RtcpFeedbackFormat.PictureLossIndication, RtcpPacketType.PayloadFeedback, Size);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(RtcpHeader.Size + SenderSsrcOffset), SenderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(RtcpHeader.Size + MediaSsrcOffset), MediaSsrc);
        return Size;
    }

    public bool Equals(PictureLossIndication other) => SenderSsrc == other.SenderSsrc && MediaSsrc == other.MediaSsrc;

    public override bool Equals(object? obj) => obj is PictureLossIndication other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(SenderSsrc, MediaSsrc);
}
