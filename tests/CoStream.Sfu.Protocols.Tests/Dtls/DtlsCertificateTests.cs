using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using CoStream.Sfu.Protocols.Dtls;

namespace CoStream.Sfu.Protocols.Tests.Dtls;

public sealed class DtlsCertificateTests
{
    // A fixed ECDSA P-256 self-signed certificate ("CN=fixture") made with OpenSSL; the expected
    // fingerprints below were printed by `openssl x509 -noout -fingerprint -sha256` / `-sha1`.
    private const string FixtureDerBase64 =
        "MIIBejCCAR+gAwIBAgIURMxl0qG8rE33XEYDNdKX2kL9iDgwCgYIKoZIzj0EAwIwEjEQMA4GA1UEAwwHZml4dHVyZTAeFw0yNjEx" +
        "MjIwOTIzMDNaFw0zNjExMTkwOTIzMDNaMBIxEDAOBgNVBAMMB2ZpeHR1cmUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQhOzcx" +
        "bkbXlc5l4/mLNMsYqAgXZ0L1Z1pVr+MEgaSnnln+6NMOUU+r8aOHrUsqJpFSuMH7P0ZC9qgjCIcc1ulKo1MwUTAdBgNVHQ4EFgQU" +
        "Ze3hZ42nPNCuSfTz/tMa1YmqffswHwYDVR0jBBgwFoAUZe3hZ42nPNCuSfTz/tMa1YmqffswDwYDVR0TAQH/BAUwAwEB/zAKBggq" +
        "hkjOPQQDAgNJADBGAiEAigwdXAWFVi5bXZB7MhDHwoR7TMYEYZ77zJLfLS7kX+oCIQCz6NfRuO/IRg4fF6Y6oAARfO7LezOMm+rF" +
        "RH8CMMIAKQ==";

    private const string FixtureSha256 =
        "86:52:41:D0:F3:45:87:26:F9:B1:56:31:31:61:1B:9D:7E:ED:47:2C:30:2E:72:67:E5:44:E0:A8:14:64:03:8A";

    private const string FixtureSha1 = "E9:90:10:0E:16:FC:53:C3:50:61:58:55:6C:3B:BF:94:A6:D1:79:55";

    private static readonly Regex Sha256Format = new("^([0-9A-F]{2}:){31}[0-9A-F]{2}$");

    [Fact]
    public void Rfc8122_5_Sha256FingerprintOfFixedCertificate_MatchesOpenSslAndSystemSha256()
    {
        byte[] der = Convert.FromBase64String(FixtureDerBase64);
        string independent = string.Join(':', SHA256.HashData(der).Select(b => b.ToString("X2")));

        string fingerprint = DtlsCertificate.ComputeFingerprint(der, "sha-256");

        Assert.Equal(FixtureSha256, fingerprint);
        Assert.Equal(independent, fingerprint);
    }

    [Theory]
    [InlineData("sha-1", 20)]
    [InlineData("sha-256", 32)]
    [InlineData("SHA-256", 32)]
    [InlineData("sha-384", 48)]
    [InlineData("sha-512", 64)]
    public void Rfc8122_5_SupportedHashes_GiveColonSeparatedUppercasePairs(string algorithm, int hashBytes)
    {
        byte[] der = Convert.FromBase64String(FixtureDerBase64);

        string fingerprint = DtlsCertificate.ComputeFingerprint(der, algorithm);

        Assert.Equal((hashBytes * 3) - 1, fingerprint.Length);
        Assert.Matches("^([0-9A-F]{2}:)*[0-9A-F]{2}$", fingerprint);
    }

    [Fact]
    public void Rfc8122_5_Sha1FingerprintOfFixedCertificate_MatchesOpenSsl()
    {
        Assert.Equal(FixtureSha1, DtlsCertificate.ComputeFingerprint(Convert.FromBase64String(FixtureDerBase64), "sha-1"));
    }

    [Theory]
    [InlineData("md5")]
    [InlineData("sha-224")]
    [InlineData("")]
    [InlineData("sha256")]
    public void UnsupportedHash_IsRefusedWithoutThrowingByTryAndWithArgumentExceptionByCompute(string algorithm)
    {
        byte[] der = Convert.FromBase64String(FixtureDerBase64);

        Assert.False(DtlsCertificate.TryComputeFingerprint(der, algorithm, out string? fingerprint));
        Assert.Null(fingerprint);
        Assert.Throws<ArgumentException>(() => DtlsCertificate.ComputeFingerprint(der, algorithm));
    }

    [Fact]
    public void FingerprintsEqual_IgnoresHexCase_ButNotValue()
    {
        Assert.True(DtlsCertificate.FingerprintsEqual(FixtureSha256, FixtureSha256.ToLowerInvariant()));
        Assert.False(DtlsCertificate.FingerprintsEqual(FixtureSha256, FixtureSha1));
        Assert.False(DtlsCertificate.FingerprintsEqual(FixtureSha256, null));
    }

    [Fact]
    public void Rfc8827_6_5_CreateSelfSigned_IsEcdsaP256SelfSignedWithShortValidity()
    {
        DateTime before = DateTime.UtcNow;
        DtlsCertificate certificate = DtlsCertificate.CreateSelfSigned("unit-test");

        using X509Certificate2 parsed = X509CertificateLoader.LoadCertificate(certificate.DerEncoded.Span);
        using ECDsa? publicKey = parsed.GetECDsaPublicKey();

        Assert.Equal("CN=unit-test", parsed.Subject);
        Assert.Equal(parsed.Subject, parsed.Issuer);
        Assert.Equal("1.2.840.10045.4.3.2", parsed.SignatureAlgorithm.Value); // ecdsa-with-SHA256
        Assert.NotNull(publicKey);
        Assert.Equal(256, publicKey!.KeySize);
        // SubjectPublicKeyInfo parameters: named curve OID prime256v1 (1.2.840.10045.3.1.7), not explicit.
        Assert.Equal(
            new byte[] { 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 },
            parsed.PublicKey.EncodedParameters!.RawData);
        Assert.InRange(parsed.NotBefore.ToUniversalTime(), before.AddDays(-1).AddMinutes(-1), before.AddMinutes(1));
        Assert.InRange(parsed.NotAfter.ToUniversalTime(), before.AddDays(30).AddMinutes(-1), before.AddDays(30).AddMinutes(1));
        Assert.True(parsed.SerialNumberBytes.Length > 0);

        // Self-signed: the signature verifies with the certificate's own key.
        var bc = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(certificate.DerEncoded.ToArray());
        bc.Verify(bc.GetPublicKey());
    }

    [Fact]
    public void CreateSelfSigned_FingerprintIsSha256OfDer_AndDiffersPerCertificate()
    {
        DtlsCertificate a = DtlsCertificate.CreateSelfSigned();
        DtlsCertificate b = DtlsCertificate.CreateSelfSigned();

        Assert.Equal("sha-256", a.FingerprintAlgorithm);
        Assert.Matches(Sha256Format, a.Fingerprint);
        Assert.Equal(DtlsCertificate.ComputeFingerprint(a.DerEncoded.ToArray(), "sha-256"), a.Fingerprint);
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
    }
}
