namespace CoStream.Sfu.Protocols.Demux;

/// <summary>
/// Demultiplexes a datagram received on the single WebRTC UDP port by its first byte
/// (RFC 7983 §7), then splits RTP from RTCP by the second byte (RFC 5761 §4).
/// </summary>
/// <remarks>
/// <code>
///                  +----------------+
///                  |        [0..3] -+--> STUN
///                  |                |
///                  |      [16..19] -+--> ZRTP      (Unknown here)
///      packet -->  |                |
///                  |      [20..63] -+--> DTLS
///                  |                |
///                  |      [64..79] -+--> TURN channel (Unknown here)
///                  |                |
///                  |    [128..191] -+--> RTP/RTCP
///                  +----------------+
/// </code>
/// RTCP packet types 200..206 (and the reserved range up to 223) collide with RTP payload types
/// 72..95 once the marker bit is masked off, which is why RFC 5761 §4 forbids those RTP payload
/// types: a second byte in 192..223 is RTCP, anything else is RTP.
/// </remarks>
public static class PacketClassifier
{
    private const int MinStunLength = 20;   // RFC 5389 §6: fixed header
    private const int MinDtlsLength = 13;   // RFC 6347 §4.1: record header
    private const int MinRtpLength = 12;    // RFC 3550 §5.1: fixed header
    private const int MinRtcpLength = 8;    // RFC 3550 §6.4: header + SSRC

    private const byte StunLast = 3;
    private const byte DtlsFirst = 20;
    private const byte DtlsLast = 63;
    private const byte RtpFirst = 128;
    private const byte RtpLast = 191;
    private const byte RtcpTypeFirst = 192;
    private const byte RtcpTypeLast = 223;

    public static PacketKind Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return PacketKind.Unknown;
        }

        byte first = datagram[0];
        if (first <= StunLast)
        {
            return datagram.Length >= MinStunLength ? PacketKind.Stun : PacketKind.Unknown;
        }

        if (first >= DtlsFirst && first <= DtlsLast)
        {
            return datagram.Length >= MinDtlsLength ? PacketKind.Dtls : PacketKind.Unknown;
        }

        if (first >= RtpFirst && first <= RtpLast && datagram.Length >= MinRtcpLength)
        {
            byte second = datagram[1];
            if (second >= RtcpTypeFirst && second <= RtcpTypeLast)
            {
                return PacketKind.Rtcp;
            }

            return datagram.Length >= MinRtpLength ? PacketKind.Rtp : PacketKind.Unknown;
        }

        return PacketKind.Unknown;
    }
}
