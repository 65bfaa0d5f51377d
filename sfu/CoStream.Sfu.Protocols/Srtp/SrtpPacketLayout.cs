using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Srtp;

/// <summary>
/// The few RTP / RTCP header fields SRTP needs, read without depending on the Rtp / Rtcp parsers.
/// </summary>
/// <remarks>
/// RTP fixed header (RFC 3550 §5.1), followed by CC CSRCs and, if X, an extension
/// (RFC 3550 §5.3.1: 16-bit profile, 16-bit length in 32-bit words, then the words):
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           timestamp                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           synchronization source (SSRC) identifier            |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// </code>
/// RTCP (RFC 3550 §6.4.1; SRTCP keeps these 8 octets in the clear, RFC 3711 §3.4):
/// <code>
/// |V=2|P|   RC    |      PT       |             length            |
/// |                 SSRC of sender / packet sender                 |
/// </code>
/// </remarks>
internal static class SrtpPacketLayout
{
    internal const int RtpFixedHeaderLength = 12;
    internal const int RtcpHeaderLength = 8;
    internal const int SequenceNumberOffset = 2;
    internal const int RtpSsrcOffset = 8;
    internal const int RtcpSsrcOffset = 4;
    private const int Version = 2;
    private const int CsrcLength = 4;
    private const int ExtensionHeaderLength = 4;
    private const int ExtensionLengthOffset = 2;
    private const byte ExtensionBit = 0x10;
    private const byte CsrcCountMask = 0x0F;

    public static bool HasVersion2(ReadOnlySpan<byte> packet) => packet[0] >> 6 == Version;

    /// <summary>Length of the RTP header (fixed part, CSRCs, extension) inside <paramref name="packet"/>.</summary>
    public static SrtpError TryGetRtpHeaderLength(ReadOnlySpan<byte> packet, out int headerLength)
    {
        headerLength = 0;
        if (packet.Length < RtpFixedHeaderLength)
        {
            return SrtpError.TooShort;
        }

        if (!HasVersion2(packet))
        {
            return SrtpError.BadVersion;
        }

        int length = RtpFixedHeaderLength + (packet[0] & CsrcCountMask) * CsrcLength;
        if ((packet[0] & ExtensionBit) != 0)
        {
            if (length + ExtensionHeaderLength > packet.Length)
            {
                return SrtpError.Malformed;
            }

            int words = BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(length + ExtensionLengthOffset));
            length += ExtensionHeaderLength + words * 4;
        }

        if (length > packet.Length)
        {
            return SrtpError.Malformed;
        }

        headerLength = length;
        return SrtpError.None;
    }

    public static ushort ReadSequenceNumber(ReadOnlySpan<byte> rtp) =>
        BinaryPrimitives.ReadUInt16BigEndian(rtp.Slice(SequenceNumberOffset));

    public static uint ReadRtpSsrc(ReadOnlySpan<byte> rtp) =>
        BinaryPrimitives.ReadUInt32BigEndian(rtp.Slice(RtpSsrcOffset));

    public static uint ReadRtcpSsrc(ReadOnlySpan<byte> rtcp) =>
        BinaryPrimitives.ReadUInt32BigEndian(rtcp.Slice(RtcpSsrcOffset));
}
