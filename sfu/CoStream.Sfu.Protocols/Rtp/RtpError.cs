namespace CoStream.Sfu.Protocols.Rtp;

/// <summary>
/// Why an RTP packet, or one of its RFC 8285 header extensions, was refused.
/// <see cref="None"/> (0) means success, so every refusal has a reason a caller can count.
/// </summary>
public enum RtpError
{
    None = 0,

    // RFC 3550 §5.1 fixed header.
    /// <summary>Fewer than 12 bytes: not even the fixed header.</summary>
    TooShort,
    /// <summary>Version field is not 2.</summary>
    BadVersion,
    /// <summary>The CSRC list (CC * 4 bytes) runs past the end of the packet.</summary>
    CsrcOutOfBounds,
    /// <summary>X is set but the 4-byte extension header (profile + length) is missing.</summary>
    ExtensionHeaderOutOfBounds,
    /// <summary>The extension body (length * 4 bytes) runs past the end of the packet.</summary>
    ExtensionBodyOutOfBounds,
    /// <summary>P is set but the last byte (padding count) is zero.</summary>
    PaddingZero,
    /// <summary>P is set and the padding count is larger than what follows the header.</summary>
    PaddingExceedsPayload,

    // RFC 8285 extension elements.
    /// <summary>The packet has no header extension (X = 0).</summary>
    ExtensionAbsent,
    /// <summary>The extension profile is neither 0xBEDE (one-byte) nor 0x100X (two-byte).</summary>
    ExtensionUnknownProfile,
    /// <summary>An element's header or value runs past the end of the extension body.</summary>
    ExtensionElementOutOfBounds,
    /// <summary>A one-byte element with ID 0 but a non-zero length nibble (only a whole zero byte is padding).</summary>
    ExtensionInvalidId,
    /// <summary>The extension value does not have the length its codec requires.</summary>
    ExtensionValueLength,
    /// <summary>The extension value is not what its codec allows (e.g. a non-ASCII stream id).</summary>
    ExtensionValueInvalid,
}
