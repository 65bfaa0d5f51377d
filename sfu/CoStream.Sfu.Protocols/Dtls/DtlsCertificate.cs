using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using TlsCertificate = Org.BouncyCastle.Crypto.Tls.Certificate;

namespace CoStream.Sfu.Protocols.Dtls;

/// <summary>
/// Our DTLS identity: an ECDSA P-256 key and a self-signed X.509 certificate (RFC 8827 §6.5 makes
/// ECDSA P-256 the one every WebRTC endpoint must support). Its fingerprint goes into the SDP as
/// <c>a=fingerprint:sha-256 AB:CD:...</c> (RFC 8122 §5). One certificate can serve many peer
/// connections; it is immutable and thread-safe.
/// </summary>
public sealed class DtlsCertificate
{
    /// <summary>The hash we advertise our own fingerprint with.</summary>
    public const string DefaultFingerprintAlgorithm = "sha-256";

    private readonly byte[] _der;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey, DateTime notBefore, DateTime notAfter)
    {
        _der = der;
        PrivateKey = privateKey;
        NotBeforeUtc = notBefore;
        NotAfterUtc = notAfter;
        TlsCertificate = new TlsCertificate(new[] { X509CertificateStructure.GetInstance(Asn1Object.FromByteArray(der)) });
        Fingerprint = ComputeFingerprint(der, DefaultFingerprintAlgorithm);
    }

    /// <summary>"sha-256" (the hash function textual name, RFC 8122 §5 / IANA).</summary>
    public string FingerprintAlgorithm => DefaultFingerprintAlgorithm;

    /// <summary>Uppercase hex pairs separated by colons, e.g. "AB:01:...", as in the SDP attribute.</summary>
    public string Fingerprint { get; }

    /// <summary>The DER encoding of the certificate, exactly as sent in the DTLS Certificate message.</summary>
    public ReadOnlyMemory<byte> DerEncoded => _der;

    public DateTime NotBeforeUtc { get; }

    public DateTime NotAfterUtc { get; }

    internal AsymmetricKeyParameter PrivateKey { get; }

    internal TlsCertificate TlsCertificate { get; }

    /// <summary>
    /// Creates a fresh ECDSA P-256 key and a self-signed certificate valid from one day ago
    /// (tolerates clock skew) to 30 days ahead, with a random positive 64-bit serial.
    /// </summary>
    public static DtlsCertificate CreateSelfSigned(string commonName = "CoStream")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);

        var random = new SecureRandom();
        var generator = new ECKeyPairGenerator("ECDSA");
        // A named-curve OID (not explicit parameters) so the SubjectPublicKeyInfo says "prime256v1".
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        AsymmetricCipherKeyPair keyPair = generator.GenerateKeyPair();

        DateTime now = DateTime.UtcNow;
        DateTime notBefore = now.AddDays(-1);
        DateTime notAfter = now.AddDays(30);
        var name = new X509Name("CN=" + commonName);

        var certificateGenerator = new X509V3CertificateGenerator();
        certificateGenerator.SetSerialNumber(new BigInteger(63, random).Add(BigInteger.One));
        certificateGenerator.SetIssuerDN(name);
        certificateGenerator.SetSubjectDN(name);
        certificateGenerator.SetNotBefore(notBefore);
        certificateGenerator.SetNotAfter(notAfter);
        certificateGenerator.SetPublicKey(keyPair.Public);
        X509Certificate certificate = certificateGenerator.Generate(
            new Asn1SignatureFactory("SHA256WITHECDSA", keyPair.Private, random));

        return new DtlsCertificate(certificate.GetEncoded(), keyPair.Private, certificate.NotBefore.ToUniversalTime(),
            certificate.NotAfter.ToUniversalTime());
    }

    /// <summary>
    /// Fingerprint of a DER certificate as written in SDP: uppercase hex pairs joined by ':'.
    /// <paramref name="algorithm"/> is one of "sha-1", "sha-256", "sha-384", "sha-512" (case-insensitive).
    /// </summary>
    /// <exception cref="ArgumentException">The algorithm is not one of those.</exception>
    public static string ComputeFingerprint(byte[] derCertificate, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(derCertificate);
        if (!TryComputeFingerprint(derCertificate, algorithm, out string? fingerprint))
        {
            throw new ArgumentException($"Unsupported fingerprint hash '{algorithm}'.", nameof(algorithm));
        }

        return fingerprint;
    }

    /// <summary>Non-throwing <see cref="ComputeFingerprint"/> for algorithm names that came off the network.</summary>
    public static bool TryComputeFingerprint(ReadOnlySpan<byte> derCertificate, string? algorithm,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? fingerprint)
    {
        Span<byte> hash = stackalloc byte[64];
        int length;
        if (string.Equals(algorithm, "sha-256", StringComparison.OrdinalIgnoreCase))
        {
            length = SHA256.HashData(derCertificate, hash);
        }
        else if (string.Equals(algorithm, "sha-1", StringComparison.OrdinalIgnoreCase))
        {
            length = SHA1.HashData(derCertificate, hash);
        }
        else if (string.Equals(algorithm, "sha-384", StringComparison.OrdinalIgnoreCase))
        {
            length = SHA384.HashData(derCertificate, hash);
        }
        else if (string.Equals(algorithm, "sha-512", StringComparison.OrdinalIgnoreCase))
        {
            length = SHA512.HashData(derCertificate, hash);
        }
        else
        {
            fingerprint = null;
            return false;
        }

        fingerprint = FormatHexPairs(hash[..length]);
        return true;
    }

    /// <summary>True when two SDP fingerprints name the same hash value (hex case and surrounding blanks ignored).</summary>
    public static bool FingerprintsEqual(string? a, string? b) =>
        a is not null && b is not null && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static string FormatHexPairs(ReadOnlySpan<byte> bytes)
    {
        const string Hex = "0123456789ABCDEF";
        Span<char> chars = stackalloc char[bytes.Length * 3];
        for (int i = 0; i < bytes.Length; i++)
        {
            chars[i * 3] = Hex[bytes[i] >> 4];
            chars[(i * 3) + 1] = Hex[bytes[i] & 0xF];
            chars[(i * 3) + 2] = ':';
        }

        return new string(chars[..^1]);
    }
}
