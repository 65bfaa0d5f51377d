namespace CoStream.Sfu.Protocols.Codecs;

/// <summary>Why an H.264 RTP payload (RFC 6184) was refused; <see cref="None"/> (0) means success.</summary>
public enum H264Error
{
    None = 0,
    /// <summary>The payload is empty.</summary>
    Empty,
    /// <summary>The NAL unit header's forbidden_zero_bit (F) is set.</summary>
    ForbiddenBit,
    /// <summary>NAL unit type 0, 30 or 31: undefined in RFC 6184.</summary>
    UndefinedNalType,
    /// <summary>STAP-B, MTAP16, MTAP24 or FU-B: interleaved mode, which WebRTC does not use.</summary>
    UnsupportedPacketization,
    /// <summary>A STAP-A carries no aggregation unit at all.</summary>
    StapEmpty,
    /// <summary>A STAP-A ends inside a 16-bit NAL unit size field.</summary>
    StapTruncatedSize,
    /// <summary>A STAP-A NAL unit size is zero.</summary>
    StapZeroSize,
    /// <summary>A STAP-A NAL unit runs past the end of the payload.</summary>
    StapNalOutOfBounds,
    /// <summary>An FU-A has no FU header or no fragment data.</summary>
    FuTooShort,
    /// <summary>An FU-A has both the start and the end bit set (RFC 6184 §5.8 forbids it).</summary>
    FuStartAndEnd,
}
