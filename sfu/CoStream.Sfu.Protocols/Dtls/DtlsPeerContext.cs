using System.Collections;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Tls;

namespace CoStream.Sfu.Protocols.Dtls;

/// <summary>
/// State shared by <see cref="DtlsSrtpServerPeer"/> / <see cref="DtlsSrtpClientPeer"/> and
/// <see cref="DtlsSrtpTransport"/>: the configuration going in (certificate, SDP fingerprint, SRTP
/// profiles) and what the handshake learned coming out (profile, keys, why it failed).
/// Written on the handshake thread, read by it after BouncyCastle returns or throws.
/// </summary>
internal sealed class DtlsPeerContext
{
    /// <summary>
    /// Our cipher suites, most preferred first. RFC 8827 §6.5 requires ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    /// (what Chrome and Firefox pick); AES-256-GCM and the CBC suites are fall-backs. All are ECDSA
    /// because our certificate is ECDSA: the server certificate decides the signature half of the suite.
    /// ChaCha20 is left out: 1.8.10 only carries it under a DRAFT_ name.
    /// </summary>
    internal static readonly int[] CipherSuites =
    {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    };

    private static readonly byte[] HashPreference =
    {
        HashAlgorithm.sha256, HashAlgorithm.sha384, HashAlgorithm.sha512, HashAlgorithm.sha1,
    };

    internal DtlsPeerContext(DtlsCertificate local, string remoteFingerprintAlgorithm, string remoteFingerprint,
        int[] offeredProfiles)
    {
        Local = local;
        RemoteFingerprintAlgorithm = remoteFingerprintAlgorithm;
        RemoteFingerprint = remoteFingerprint;
        OfferedProfiles = offeredProfiles;
    }

    internal DtlsCertificate Local { get; }

    internal string RemoteFingerprintAlgorithm { get; }

    internal string RemoteFingerprint { get; }

    /// <summary>Our profiles, most preferred first, only ones <see cref="DtlsSrtpProfiles.IsSupported"/>.</summary>
    internal int[] OfferedProfiles { get; }

    internal int HandshakeTimeoutMillis { get; set; }

    /// <summary>A reason decided by our own checks (fingerprint, certificate, profile); None if none failed.</summary>
    internal DtlsError Failure { get; private set; }

    internal byte? AlertSent { get; private set; }

    internal byte? AlertReceived { get; private set; }

    internal bool FatalAlertReceived { get; private set; }

    internal bool CloseNotifyReceived { get; private set; }

    internal ushort SelectedProfile { get; set; }

    internal byte[] RemoteCertificateDer { get; private set; } = Array.Empty<byte>();

    internal byte[] KeyingMaterial { get; private set; } = Array.Empty<byte>();

    internal int NegotiatedCipherSuite { get; private set; }

    internal bool ExtendedMasterSecret { get; private set; }

    /// <summary>Records <paramref name="reason"/> and returns the alert to throw (BouncyCastle sends it to the peer).</summary>
    internal TlsFatalAlert Fail(DtlsError reason, byte alertDescription)
    {
        if (Failure == DtlsError.None)
        {
            Failure = reason;
        }

        return new TlsFatalAlert(alertDescription);
    }

    /// <summary>
    /// RFC 5763 §5 / RFC 8122: the end-entity certificate the peer presented in its Certificate
    /// message must hash to the fingerprint from its SDP, else the handshake fails (bad_certificate).
    /// </summary>
    internal void VerifyPeerCertificate(Certificate? certificate)
    {
        if (certificate is null || certificate.IsEmpty)
        {
            throw Fail(DtlsError.CertificateMissing, AlertDescription.handshake_failure);
        }

        byte[] der = certificate.GetCertificateAt(0).GetEncoded(Asn1Encodable.Der);
        if (!DtlsCertificate.TryComputeFingerprint(der, RemoteFingerprintAlgorithm, out string? actual))
        {
            throw Fail(DtlsError.UnsupportedFingerprintAlgorithm, AlertDescription.bad_certificate);
        }

        if (!DtlsCertificate.FingerprintsEqual(actual, RemoteFingerprint))
        {
            throw Fail(DtlsError.FingerprintMismatch, AlertDescription.bad_certificate);
        }

        RemoteCertificateDer = der;
    }

    /// <summary>
    /// Our ECDSA signing credentials, signing with the first of sha256/384/512/sha1 that the peer
    /// listed for ECDSA (signature_algorithms for the server, CertificateRequest for the client).
    /// A TLS 1.2 peer that sends no list implies {sha1, ecdsa} (RFC 5246 §7.4.1.4.1).
    /// </summary>
    internal TlsSignerCredentials CreateSignerCredentials(TlsContext context, IList? peerAlgorithms)
    {
        SignatureAndHashAlgorithm chosen = new(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);
        if (peerAlgorithms is null)
        {
            chosen = new SignatureAndHashAlgorithm(HashAlgorithm.sha1, SignatureAlgorithm.ecdsa);
        }
        else
        {
            foreach (byte hash in HashPreference)
            {
                var candidate = new SignatureAndHashAlgorithm(hash, SignatureAlgorithm.ecdsa);
                if (peerAlgorithms.Contains(candidate))
                {
                    chosen = candidate;
                    break;
                }
            }
        }

        return new DefaultTlsSignerCredentials(context, Local.TlsCertificate, Local.PrivateKey, chosen);
    }

    /// <summary>The signature/hash pairs we can verify, for our CertificateRequest (RFC 5246 §7.4.4).</summary>
    internal static IList SupportedSignatureAlgorithms()
    {
        var list = new ArrayList();
        foreach (byte hash in HashPreference)
        {
            list.Add(new SignatureAndHashAlgorithm(hash, SignatureAlgorithm.ecdsa));
        }

        foreach (byte hash in HashPreference)
        {
            list.Add(new SignatureAndHashAlgorithm(hash, SignatureAlgorithm.rsa));
        }

        return list;
    }

    /// <summary>
    /// RFC 5764 §4.2: export 2 * (key + salt) bytes with label "EXTRACTOR-dtls_srtp" and no context.
    /// Must run inside NotifyHandshakeComplete: BouncyCastle wipes the master secret right after.
    /// </summary>
    internal void ExportKeyingMaterial(TlsContext context)
    {
        int keyLength = DtlsSrtpProfiles.GetMasterKeyLength(SelectedProfile);
        int saltLength = DtlsSrtpProfiles.GetMasterSaltLength(SelectedProfile);
        KeyingMaterial = context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (keyLength + saltLength));
        NegotiatedCipherSuite = context.SecurityParameters.CipherSuite;
        ExtendedMasterSecret = context.SecurityParameters.IsExtendedMasterSecret;
    }

    internal void OnAlertRaised(byte level, byte description)
    {
        if (level == AlertLevel.fatal)
        {
            AlertSent ??= description;
        }
    }

    internal void OnAlertReceived(byte level, byte description)
    {
        if (level == AlertLevel.fatal)
        {
            FatalAlertReceived = true;
            AlertReceived ??= description;
        }
        else if (description == AlertDescription.close_notify)
        {
            CloseNotifyReceived = true;
        }
    }
}
