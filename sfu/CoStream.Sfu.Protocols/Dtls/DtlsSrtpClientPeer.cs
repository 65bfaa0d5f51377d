using System.Collections;
using Org.BouncyCastle.Crypto.Tls;

namespace CoStream.Sfu.Protocols.Dtls;

/// <summary>
/// BouncyCastle client peer for DTLS-SRTP (the load tester's side): DTLS 1.2, ECDHE_ECDSA suites,
/// offers use_srtp with our profiles, checks the server certificate against the SDP fingerprint and
/// answers a CertificateRequest with our ECDSA certificate.
/// </summary>
internal sealed class DtlsSrtpClientPeer : DefaultTlsClient
{
    private readonly DtlsPeerContext _context;

    internal DtlsSrtpClientPeer(DtlsPeerContext context) => _context = context;

    public override ProtocolVersion ClientVersion => ProtocolVersion.DTLSv12;

    public override ProtocolVersion MinimumVersion => ProtocolVersion.DTLSv12;

    public override int[] GetCipherSuites() => DtlsPeerContext.CipherSuites;

    public override int GetHandshakeTimeoutMillis() => _context.HandshakeTimeoutMillis;

    public override void NotifySecureRenegotiation(bool secureRenegotiation)
    {
    }

    public override IDictionary GetClientExtensions()
    {
        IDictionary extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        TlsSRTPUtils.AddUseSrtpExtension(extensions, new UseSrtpData(_context.OfferedProfiles, TlsUtilities.EmptyBytes));
        if (!TlsExtensionsUtilities.HasExtendedMasterSecretExtension(extensions))
        {
            TlsExtensionsUtilities.AddExtendedMasterSecretExtension(extensions);
        }

        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);

        // RFC 5764 §4.1.1: exactly one profile, one we offered, else abort with illegal_parameter.
        UseSrtpData? chosen = serverExtensions is null ? null : TlsSRTPUtils.GetUseSrtpExtension(serverExtensions);
        if (chosen is null)
        {
            throw _context.Fail(DtlsError.NoSrtpProfile, AlertDescription.handshake_failure);
        }

        int[] profiles = chosen.ProtectionProfiles;
        if (profiles is not { Length: 1 } || Array.IndexOf(_context.OfferedProfiles, profiles[0]) < 0)
        {
            throw _context.Fail(DtlsError.NoSrtpProfile, AlertDescription.illegal_parameter);
        }

        _context.SelectedProfile = (ushort)profiles[0];
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        _context.ExportKeyingMaterial(mContext);
    }

    public override void NotifyAlertRaised(byte alertLevel, byte alertDescription, string message, Exception cause) =>
        _context.OnAlertRaised(alertLevel, alertDescription);

    public override void NotifyAlertReceived(byte alertLevel, byte alertDescription) =>
        _context.OnAlertReceived(alertLevel, alertDescription);

    private sealed class Authentication : TlsAuthentication
    {
        private readonly DtlsSrtpClientPeer _peer;

        internal Authentication(DtlsSrtpClientPeer peer) => _peer = peer;

        public void NotifyServerCertificate(Certificate serverCertificate) =>
            _peer._context.VerifyPeerCertificate(serverCertificate);

        /// <summary>
        /// Our certificate is ECDSA, so we can only answer a request that lists ecdsa_sign (the mirror
        /// image of the Chrome 124 / sipsorcery 1104 check). Otherwise send no certificate and let the
        /// server decide.
        /// </summary>
        public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest)
        {
            byte[]? types = certificateRequest.CertificateTypes;
            if (types is null || Array.IndexOf(types, ClientCertificateType.ecdsa_sign) < 0)
            {
                return null;
            }

            return _peer._context.CreateSignerCredentials(_peer.mContext, certificateRequest.SupportedSignatureAlgorithms);
        }
    }
}
