using System.Collections;
using Org.BouncyCastle.Crypto.Tls;

namespace CoStream.Sfu.Protocols.Dtls;

/// <summary>
/// BouncyCastle server peer for DTLS-SRTP: DTLS 1.2 only, ECDHE_ECDSA suites, use_srtp selection
/// by our preference, client certificate required and checked against the SDP fingerprint.
/// </summary>
internal sealed class DtlsSrtpServerPeer : DefaultTlsServer
{
    private readonly DtlsPeerContext _context;

    internal DtlsSrtpServerPeer(DtlsPeerContext context) => _context = context;

    protected override ProtocolVersion MinimumVersion => ProtocolVersion.DTLSv12;

    protected override ProtocolVersion MaximumVersion => ProtocolVersion.DTLSv12;

    protected override int[] GetCipherSuites() => DtlsPeerContext.CipherSuites;

    public override int GetHandshakeTimeoutMillis() => _context.HandshakeTimeoutMillis;

    /// <summary>
    /// BouncyCastle aborts peers that do not signal RFC 5746 support; WebRTC forbids renegotiation
    /// anyway (RFC 8827 §6.5) and some stacks (old pion) omit the signal, so accept either.
    /// </summary>
    public override void NotifySecureRenegotiation(bool secureRenegotiation)
    {
    }

    public override void ProcessClientExtensions(IDictionary clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);

        // RFC 5764 §4.1.1: pick one profile both sides support; we go by our own preference order.
        // With none in common we must not fail here: BouncyCastle sends nothing (not even the alert)
        // before the ServerHello, and the client would just time out. GetCredentials fails instead.
        UseSrtpData? offered = clientExtensions is null ? null : TlsSRTPUtils.GetUseSrtpExtension(clientExtensions);
        if (offered?.ProtectionProfiles is { } profiles)
        {
            foreach (int ours in _context.OfferedProfiles)
            {
                if (Array.IndexOf(profiles, ours) >= 0)
                {
                    _context.SelectedProfile = (ushort)ours;
                    return;
                }
            }
        }
    }

    public override IDictionary GetServerExtensions()
    {
        IDictionary extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        if (_context.SelectedProfile == 0)
        {
            return extensions; // RFC 5764 §4.1.1: no shared profile, so no use_srtp in the ServerHello.
        }

        // One profile, empty MKI: RFC 8827 §6.5 says an MKI MUST NOT be used, and RFC 5764 §4.1.1 lets
        // the server answer a client MKI with an empty one ("cannot make use of the MKI").
        TlsSRTPUtils.AddUseSrtpExtension(extensions,
            new UseSrtpData(new int[] { _context.SelectedProfile }, TlsUtilities.EmptyBytes));
        return extensions;
    }

    /// <summary>Called right after the ServerHello went out: the first point where a fatal alert reaches the client.</summary>
    public override TlsCredentials GetCredentials()
    {
        if (_context.SelectedProfile == 0)
        {
            throw _context.Fail(DtlsError.NoSrtpProfile, AlertDescription.handshake_failure);
        }

        return _context.CreateSignerCredentials(mContext, mSupportedSignatureAlgorithms);
    }

    protected override TlsSignerCredentials GetECDsaSignerCredentials() =>
        _context.CreateSignerCredentials(mContext, mSupportedSignatureAlgorithms);

    /// <summary>
    /// Ask for the client's certificate (we need it for the fingerprint check). certificate_types
    /// MUST include ecdsa_sign: Chrome 124 (BoringSSL) stopped sending an ECDSA certificate when only
    /// rsa_sign was listed, which broke every BouncyCastle-based SFU (sipsorcery issue 1104).
    /// </summary>
    public override CertificateRequest GetCertificateRequest() => new(
        new[] { ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign },
        DtlsPeerContext.SupportedSignatureAlgorithms(),
        null);

    public override void NotifyClientCertificate(Certificate clientCertificate) =>
        _context.VerifyPeerCertificate(clientCertificate);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        _context.ExportKeyingMaterial(mContext);
    }

    public override void NotifyAlertRaised(byte alertLevel, byte alertDescription, string message, Exception cause) =>
        _context.OnAlertRaised(alertLevel, alertDescription);

    public override void NotifyAlertReceived(byte alertLevel, byte alertDescription) =>
        _context.OnAlertReceived(alertLevel, alertDescription);
}
