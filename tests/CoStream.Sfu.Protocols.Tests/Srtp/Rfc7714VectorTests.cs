using CoStream.Sfu.Protocols.Srtp;
using static CoStream.Sfu.Protocols.Tests.Srtp.SrtpTestData;

namespace CoStream.Sfu.Protocols.Tests.Srtp;

/// <summary>
/// RFC 7714 §16 (SRTP) and §17 (SRTCP) AEAD_AES_128_GCM vectors. The RFC gives the session key
/// and salt directly, so the context is built from session keys (no KDF).
/// </summary>
public sealed class Rfc7714VectorTests
{
    private static readonly byte[] SessionKey = Hex("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] SessionSalt = Hex("517569642070726f2071756f"); // "Quid pro quo"

    // §16.1: RTP packet, SSRC 0x5501a0b2, SEQ 0xf17b, ROC 0.
    private const string RtpPlain =
        "8040f17b 8041f8d3 5501a0b2" +                           // V=2 PT=64 SEQ=f17b TS SSRC
        "47616c6c 69612065 7374206f 6d6e6973 20646976" +         // "Gallia est omnis divisa"
        "69736120 696e2070 61727465 73207472 6573";              // " in partes tres"

    // §16.1.1: encrypted and tagged packet.
    private const string RtpProtected =
        "8040f17b 8041f8d3 5501a0b2" +                           // header (AAD)
        "f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5" +         // ciphertext
        "0d294e6f 42a5f47a 51c7d19b 36de3adf 8833" +
        "899d7f27 beb16a91 52cf765e e4390cce";                   // 16-octet tag

    // §17.1: RTCP packet, sender SSRC "Mars" = 0x4d617273, SRTCP index 0x5d4.
    private const string RtcpPlain =
        "81c8000d 4d617273" +                                    // V=2 RC=1 PT=SR length, SSRC
        "4e545031 4e545032 52545020 0000042a 0000e930 4c756e61" +
        "deadbeef deadbeef deadbeef deadbeef deadbeef";

    // §17.1: encrypted and tagged packet.
    private const string RtcpProtected =
        "81c8000d 4d617273" +                                    // header + SSRC in the clear
        "63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d" + // ciphertext
        "c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b" +
        "c84aa458 96cf4d2f c5abf872 45d9eade" +                  // 16-octet tag
        "800005d4";                                              // E=1, index 0x5d4

    // §17.3: tagged-only packet (E = 0).
    private const string RtcpTaggedOnly =
        "81c8000d 4d617273" +
        "4e545031 4e545032 52545020 0000042a 0000e930 4c756e61" + // body in the clear
        "deadbeef deadbeef deadbeef deadbeef deadbeef" +
        "841dd968 3dd78ec9 2ae58790 125f62b3" +                  // 16-octet tag
        "000005d4";                                              // E=0, index 0x5d4

    private const uint RtcpSsrc = 0x4d617273;

    private static SrtpContext CreateContext()
    {
        var keys = new SrtpSessionKeys(SessionKey, SessionSalt, []);
        return new SrtpContext(SrtpProfile.AeadAes128Gcm, keys, keys, SrtpContext.DefaultReplayWindowSize);
    }

    [Fact]
    public void Rfc7714_8_1_RtpIvFormation()
    {
        Span<byte> nonce = stackalloc byte[12];
        AesGcmTransform.BuildRtpNonce(SessionSalt, ssrc: 0x5501a0b2, index: 0xf17b, nonce);
        Assert.Equal("51753c6580c2726f20718414", ToHex(nonce));
    }

    [Fact]
    public void Rfc7714_9_1_RtcpIvFormation()
    {
        Span<byte> nonce = stackalloc byte[12];
        AesGcmTransform.BuildRtcpNonce(SessionSalt, RtcpSsrc, index: 0x5d4, nonce);
        Assert.Equal("517524055203726f207170bb", ToHex(nonce));
    }

    [Fact]
    public void Rfc7714_16_1_1_RtpEncryption()
    {
        using SrtpContext sender = CreateContext();
        Assert.Equal(ToHex(Hex(RtpProtected)), ToHex(ProtectRtp(sender, Hex(RtpPlain))));
    }

    [Fact]
    public void Rfc7714_16_1_2_RtpDecryption()
    {
        using SrtpContext receiver = CreateContext();
        (SrtpError error, byte[] plain) = UnprotectRtp(receiver, Hex(RtpProtected));
        Assert.Equal(SrtpError.None, error);
        Assert.Equal(ToHex(Hex(RtpPlain)), ToHex(plain));
    }

    [Fact]
    public void Rfc7714_17_1_RtcpEncryption()
    {
        using SrtpContext sender = CreateContext();
        sender.SetNextRtcpIndex(RtcpSsrc, 0x5d4);
        Assert.Equal(ToHex(Hex(RtcpProtected)), ToHex(ProtectRtcp(sender, Hex(RtcpPlain))));
    }

    [Fact]
    public void Rfc7714_17_1_RtcpDecryption()
    {
        using SrtpContext receiver = CreateContext();
        (SrtpError error, byte[] plain) = UnprotectRtcp(receiver, Hex(RtcpProtected));
        Assert.Equal(SrtpError.None, error);
        Assert.Equal(ToHex(Hex(RtcpPlain)), ToHex(plain));
    }

    [Fact]
    public void Rfc7714_17_3_RtcpTaggedOnlyVerification()
    {
        using SrtpContext receiver = CreateContext();
        (SrtpError error, byte[] plain) = UnprotectRtcp(receiver, Hex(RtcpTaggedOnly));
        Assert.Equal(SrtpError.None, error);
        Assert.Equal(ToHex(Hex(RtcpPlain)), ToHex(plain));
    }

    [Theory]
    [InlineData(RtpProtected, 12)]   // first ciphertext octet
    [InlineData(RtpProtected, 0)]    // header octet (AAD)
    [InlineData(RtpProtected, 65)]   // last tag octet
    public void Rfc7714_16_TamperedRtpVectorIsRefused(string wire, int offset)
    {
        using SrtpContext receiver = CreateContext();
        byte[] packet = Hex(wire);
        packet[offset] ^= 0x01;
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtp(receiver, packet).Error);
    }

    [Theory]
    [InlineData(RtcpProtected, 8)]       // first ciphertext octet
    [InlineData(RtcpProtected, 71)]      // index octet (AAD)
    [InlineData(RtcpTaggedOnly, 20)]     // clear body octet (AAD when E = 0)
    [InlineData(RtcpTaggedOnly, 68)]     // E flag set on a tagged-only packet
    public void Rfc7714_17_TamperedRtcpVectorIsRefused(string wire, int offset)
    {
        using SrtpContext receiver = CreateContext();
        byte[] packet = Hex(wire);
        packet[offset] ^= offset == 68 ? (byte)0x80 : (byte)0x01;
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtcp(receiver, packet).Error);
    }
}
