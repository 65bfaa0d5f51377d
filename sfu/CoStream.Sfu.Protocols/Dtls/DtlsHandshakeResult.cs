namespace CoStream.Sfu.Protocols.Dtls;

/// <summary>
/// Outcome of <see cref="DtlsSrtpTransport.Handshake"/>. On success it carries the SRTP master keys
/// exported per RFC 5764 §4.2, already mapped to our role: we protect (send) with the Local pair and
/// unprotect (receive) with the Remote pair.
/// </summary>
public sealed class DtlsHandshakeResult
{
    internal static readonly DtlsHandshakeResult AlreadyStartedResult = Fail(DtlsError.AlreadyStarted, null);

    public bool Success => Error == DtlsError.None;

    public DtlsError Error { get; init; }

    /// <summary>For <see cref="DtlsError.Alert"/>: the alert the peer sent; otherwise the alert we sent, if any.</summary>
    public byte? AlertDescription { get; init; }

    /// <summary>Negotiated protection profile (see <see cref="DtlsSrtpProfiles"/>), 0 on failure.</summary>
    public ushort ProfileId { get; init; }

    /// <summary>TLS cipher suite of the DTLS association (e.g. 0xC02B ECDHE_ECDSA_WITH_AES_128_GCM_SHA256).</summary>
    public int CipherSuite { get; init; }

    /// <summary>True when the master secret was derived per RFC 7627 (extended_master_secret).</summary>
    public bool ExtendedMasterSecret { get; init; }

    /// <summary>Master key we protect outgoing SRTP/SRTCP with.</summary>
    public ReadOnlyMemory<byte> LocalMasterKey { get; init; }

    /// <summary>Master salt we protect outgoing SRTP/SRTCP with.</summary>
    public ReadOnlyMemory<byte> LocalMasterSalt { get; init; }

    /// <summary>Master key we unprotect incoming SRTP/SRTCP with.</summary>
    public ReadOnlyMemory<byte> RemoteMasterKey { get; init; }

    /// <summary>Master salt we unprotect incoming SRTP/SRTCP with.</summary>
    public ReadOnlyMemory<byte> RemoteMasterSalt { get; init; }

    /// <summary>DER of the peer's (fingerprint-verified) certificate, empty on failure.</summary>
    public ReadOnlyMemory<byte> RemoteCertificate { get; init; }

    internal static DtlsHandshakeResult Fail(DtlsError error, byte? alert) =>
        new() { Error = error, AlertDescription = alert };

    public override string ToString() => Success
        ? $"DTLS-SRTP ok: profile 0x{ProfileId:X4}, suite 0x{CipherSuite:X4}, ems={ExtendedMasterSecret}"
        : $"DTLS-SRTP failed: {Error}{(AlertDescription is { } a ? $" (alert {a})" : string.Empty)}";
}
