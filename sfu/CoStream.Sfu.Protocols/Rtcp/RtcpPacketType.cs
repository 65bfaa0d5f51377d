namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1).</summary>
public enum RtcpPacketType : byte
{
    SenderReport = 200,
    ReceiverReport = 201,
    SourceDescription = 202,
    Goodbye = 203,
    ApplicationDefined = 204,
    /// <summary>RTPFB, transport layer feedback (RFC 4585 §6.2).</summary>
    TransportFeedback = 205,
    /// <summary>PSFB, payload-specific feedback (RFC 4585 §6.3).</summary>
    PayloadFeedback = 206,
}

/// <summary>FMT values of the feedback messages this folder reads.</summary>
public static class RtcpFeedbackFormat
{
    /// <summary>RTPFB FMT 1, RFC 4585 §6.2.1.</summary>
    public const byte GenericNack = 1;
    /// <summary>RTPFB FMT 15, draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.</summary>
    public const byte TransportWideCc = 15;
    /// <summary>PSFB FMT 1, RFC 4585 §6.3.1.</summary>
    public const byte PictureLossIndication = 1;
    /// <summary>PSFB FMT 4, RFC 5104 §4.3.1.</summary>
    public const byte FullIntraRequest = 4;
    /// <summary>PSFB FMT 15, application layer feedback (REMB), RFC 4585 §6.4.</summary>
    public const byte ApplicationLayer = 15;
}
