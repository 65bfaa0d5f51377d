namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>
/// Why an SDP text was refused by <see cref="SessionDescription.TryParse"/> or why an offer could
/// not be answered / paired. <see cref="None"/> (0) means success, so every refusal has a reason
/// that a caller can count.
/// </summary>
public enum SdpError
{
    None = 0,

    // ---- parsing (RFC 8866) ----
    /// <summary>The text is null, empty or only whitespace.</summary>
    Empty,
    /// <summary>The text exceeds <see cref="SdpLimits.MaxTextLength"/> characters.</summary>
    TooLarge,
    /// <summary>A line exceeds <see cref="SdpLimits.MaxLineLength"/> characters.</summary>
    LineTooLong,
    /// <summary>A line is not of the form <c>&lt;letter&gt;=&lt;value&gt;</c> or holds control characters.</summary>
    BadLine,
    /// <summary>The first line is not <c>v=</c>.</summary>
    MissingVersion,
    /// <summary>The <c>v=</c> line is not <c>v=0</c>.</summary>
    BadVersion,
    /// <summary>The <c>o=</c> line is missing, misplaced or malformed.</summary>
    BadOrigin,
    /// <summary>The <c>s=</c> line is missing or misplaced.</summary>
    MissingSessionName,
    /// <summary>A <c>c=</c> line is malformed.</summary>
    BadConnection,
    /// <summary>An <c>m=</c> line is malformed (kind, port, protocol or formats).</summary>
    BadMedia,
    /// <summary>A known attribute has a malformed value (rtpmap, fmtp, extmap, ssrc, rid, simulcast...).</summary>
    BadAttribute,
    /// <summary>More than <see cref="SdpLimits.MaxMediaSections"/> m-sections.</summary>
    TooManySections,
    /// <summary>More than <see cref="SdpLimits.MaxLinesPerSection"/> lines in one section.</summary>
    TooManyLines,
    /// <summary>A line type that is not allowed where it appears (e.g. <c>t=</c> inside an m-section).</summary>
    MisplacedLine,

    // ---- negotiation (RFC 8829 JSEP, RFC 8843 BUNDLE) ----
    /// <summary>An m-section that must be negotiated has no <c>a=mid</c>, or a mid repeats.</summary>
    BadMid,
    /// <summary>The remote description has no ICE ufrag/pwd for an accepted m-section.</summary>
    MissingIceCredentials,
    /// <summary>The remote description has no DTLS fingerprint for an accepted m-section.</summary>
    MissingFingerprint,
    /// <summary>The DTLS setup roles cannot be paired (e.g. holdconn, or both sides active).</summary>
    BadSetup,
    /// <summary>The local and remote descriptions do not have the same m-sections.</summary>
    MediaMismatch,
    /// <summary>The options given by the caller are incomplete or inconsistent.</summary>
    BadOptions,
}
