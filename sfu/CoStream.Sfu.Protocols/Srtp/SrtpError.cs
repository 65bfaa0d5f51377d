namespace CoStream.Sfu.Protocols.Srtp;

/// <summary>
/// Why <see cref="SrtpContext"/> refused a packet. <see cref="None"/> means success; every other
/// value is a reason the engine can count.
/// </summary>
public enum SrtpError
{
    /// <summary>Success.</summary>
    None = 0,

    /// <summary>Shorter than the fixed header plus the trailer the profile needs.</summary>
    TooShort,

    /// <summary>The RTP / RTCP version field is not 2.</summary>
    BadVersion,

    /// <summary>The CSRC list or header extension runs past the end of the packet, or the length argument is negative.</summary>
    Malformed,

    /// <summary>The buffer has no room for the tag (Protect), or the length argument exceeds the buffer.</summary>
    BufferTooSmall,

    /// <summary>The authentication tag does not match (HMAC-SHA1 or GCM).</summary>
    AuthenticationFailed,

    /// <summary>The packet index is older than the replay window (RFC 3711 §3.3.2).</summary>
    ReplayOld,

    /// <summary>The packet index was already received inside the replay window (RFC 3711 §3.3.2).</summary>
    ReplayDuplicate,
}
