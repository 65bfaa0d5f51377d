namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>Why an RTCP parser refused its input. <see cref="None"/> means success.</summary>
public enum RtcpError
{
    None = 0,
    /// <summary>Fewer bytes than the header or the fixed part of the message needs.</summary>
    TooShort,
    /// <summary>Version field is not 2.</summary>
    BadVersion,
    /// <summary>The header's length field points past the end of the buffer.</summary>
    LengthExceedsBuffer,
    /// <summary>Length field 0: a header-only packet inside a compound (no SSRC at all).</summary>
    EmptyPacket,
    /// <summary>P bit set on a packet that is not the last of its compound (RFC 3550 §6.4.1).</summary>
    PaddingNotLast,
    /// <summary>Padding count is 0 or larger than the packet's payload.</summary>
    BadPadding,
    /// <summary>The packet type is not the one this parser reads.</summary>
    WrongPacketType,
    /// <summary>The FMT field is not the one this parser reads.</summary>
    WrongFormat,
    /// <summary>The count field (RC / SC / num SSRC) does not match the packet length.</summary>
    CountMismatch,
    /// <summary>An SDES chunk or item runs past the packet or lacks its terminating null octet.</summary>
    BadSdesChunk,
    /// <summary>A BYE reason length runs past the packet.</summary>
    BadReason,
    /// <summary>Feedback control information is empty or not a whole number of entries.</summary>
    BadFci,
    /// <summary>Application-layer feedback without the "REMB" identifier.</summary>
    NotRemb,
    /// <summary>Transport-wide feedback with packet status count 0.</summary>
    EmptyFeedback,
    /// <summary>A run-length chunk with run length 0.</summary>
    BadChunk,
    /// <summary>A status symbol 11 (reserved) in a transport-wide feedback.</summary>
    ReservedStatusSymbol,
    /// <summary>The packet ends before the packet chunks cover the packet status count.</summary>
    ChunksExceedPacket,
    /// <summary>The packet ends before all receive deltas announced by the chunks.</summary>
    DeltasExceedPacket,
    /// <summary>More bytes follow the last field than alignment padding explains.</summary>
    TrailingBytes,
}
