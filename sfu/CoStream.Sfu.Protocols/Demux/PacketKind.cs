namespace CoStream.Sfu.Protocols.Demux;

/// <summary>What a datagram arriving on the shared WebRTC port is (RFC 7983 §7).</summary>
public enum PacketKind
{
    Unknown = 0,
    Stun,
    Dtls,
    Rtp,
    Rtcp,
}
