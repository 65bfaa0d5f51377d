namespace CoStream.Sfu.Protocols.Stun;

/// <summary>Why <see cref="StunMessage.TryRead"/> refused a datagram. <see cref="None"/> is success.</summary>
public enum StunError
{
    None = 0,
    /// <summary>Fewer than the 20 header bytes.</summary>
    TooShort,
    /// <summary>The two most significant bits of the message type are not zero (RFC 5389 §6).</summary>
    NotStun,
    /// <summary>The magic cookie is not 0x2112A442 (classic RFC 3489 STUN is not accepted).</summary>
    BadMagicCookie,
    /// <summary>The header's message length is not a multiple of four.</summary>
    LengthNotMultipleOfFour,
    /// <summary>The header announces more bytes than the datagram holds.</summary>
    Truncated,
    /// <summary>The datagram holds bytes past the announced message length.</summary>
    TrailingBytes,
    /// <summary>An attribute (value plus padding) runs past the end of the message.</summary>
    AttributeTruncated,
    /// <summary>A known attribute has a length its definition does not allow.</summary>
    BadAttributeLength,
    /// <summary>XOR-MAPPED-ADDRESS with an address family other than IPv4 (1) or IPv6 (2).</summary>
    BadAddressFamily,
    /// <summary>ERROR-CODE class outside 3..6 or number above 99 (RFC 5389 §15.6).</summary>
    BadErrorCode,
    /// <summary>An attribute other than FINGERPRINT (or MESSAGE-INTEGRITY-SHA256) follows MESSAGE-INTEGRITY.</summary>
    AttributeAfterMessageIntegrity,
    /// <summary>Any attribute follows FINGERPRINT, which must be last (RFC 5389 §15.5).</summary>
    AttributeAfterFingerprint,
}
