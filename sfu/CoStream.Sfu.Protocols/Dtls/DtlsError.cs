namespace CoStream.Sfu.Protocols.Dtls;

/// <summary>Why a DTLS-SRTP handshake failed or an established association ended.</summary>
public enum DtlsError
{
    /// <summary>Success.</summary>
    None = 0,

    /// <summary>The handshake did not complete within the time given to <see cref="DtlsSrtpTransport.Handshake"/>.</summary>
    Timeout,

    /// <summary>The caller's <see cref="CancellationToken"/> was cancelled.</summary>
    Cancelled,

    /// <summary>The peer's certificate does not hash to the fingerprint from its SDP (RFC 5763 §5).</summary>
    FingerprintMismatch,

    /// <summary>The SDP fingerprint names a hash we do not implement (we do sha-1, sha-256, sha-384, sha-512).</summary>
    UnsupportedFingerprintAlgorithm,

    /// <summary>The peer sent no certificate although one is required (RFC 5763 §5, RFC 8827 §6.5).</summary>
    CertificateMissing,

    /// <summary>No SRTP protection profile in common, or the peer chose one we did not offer (RFC 5764 §4.1.1).</summary>
    NoSrtpProfile,

    /// <summary>The peer sent a fatal alert (see <see cref="DtlsHandshakeResult.AlertDescription"/>).</summary>
    Alert,

    /// <summary>The handshake broke for another protocol reason (malformed message, no common cipher suite, ...).</summary>
    ProtocolError,

    /// <summary>The association was closed: close_notify from the peer, or <see cref="DtlsSrtpTransport.Close"/> was called.</summary>
    Closed,

    /// <summary><see cref="DtlsSrtpTransport.Handshake"/> was called a second time.</summary>
    AlreadyStarted,
}
