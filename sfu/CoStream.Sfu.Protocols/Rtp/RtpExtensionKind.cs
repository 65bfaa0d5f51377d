namespace CoStream.Sfu.Protocols.Rtp;

/// <summary>What a negotiated header extension id carries.</summary>
public enum RtpExtensionKind : byte
{
    /// <summary>The id is not negotiated.</summary>
    None = 0,

    /// <summary>Negotiated, but a URI this code does not interpret.</summary>
    Unknown,
    Mid,
    RtpStreamId,
    RepairedRtpStreamId,
    AbsSendTime,
    TransportSequenceNumber,
    AudioLevel,
    PlayoutDelay,
}
