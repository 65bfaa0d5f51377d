using CoStream.Sfu.Protocols.Srtp;
using static CoStream.Sfu.Protocols.Tests.Srtp.SrtpTestData;

namespace CoStream.Sfu.Protocols.Tests.Srtp;

/// <summary>RFC 3711 Appendix B test vectors, and libsrtp's reference packets built on them.</summary>
public sealed class Rfc3711VectorTests
{
    [Fact]
    public void Rfc3711_AppendixB2_AesCmKeystream()
    {
        byte[] sessionKey = Hex("2B7E151628AED2A6ABF7158809CF4F3C");
        byte[] sessionSalt = Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"); // 112 bits
        Span<byte> iv = stackalloc byte[16];
        AesCmHmacSha1Transform.BuildIv(sessionSalt, ssrc: 0, index: 0, iv); // ROC 0, SEQ 0, SSRC 0
        Assert.Equal("f0f1f2f3f4f5f6f7f8f9fafbfcfd0000", ToHex(iv));

        var keystream = new byte[0xFF02 * 16]; // blocks 0x0000 .. 0xFF01
        using var ctr = new AesCounterMode(sessionKey);
        ctr.Apply(iv, keystream);

        Assert.Equal("e03ead0935c95e80e166b16dd92b4eb4", ToHex(keystream.AsSpan(0x0000 * 16, 16)));
        Assert.Equal("d23513162b02d0f72a43a2fe4a5f97ab", ToHex(keystream.AsSpan(0x0001 * 16, 16)));
        Assert.Equal("41e95b3bb0a2e8dd477901e4fca894c0", ToHex(keystream.AsSpan(0x0002 * 16, 16)));
        Assert.Equal("ec8cdf7398607cb0f2d21675ea9ea1e4", ToHex(keystream.AsSpan(0xFEFF * 16, 16)));
        Assert.Equal("362b7c3c6773516318a077d7fc5073ae", ToHex(keystream.AsSpan(0xFF00 * 16, 16)));
        Assert.Equal("6a2cc3787889374fbeb4c81b17ba6c44", ToHex(keystream.AsSpan(0xFF01 * 16, 16)));
    }

    [Fact]
    public void Rfc3711_AppendixB2_KeystreamInChunksEqualsOneCall()
    {
        // The counter must carry across the transform's internal chunks (64 blocks).
        byte[] key = Hex("2B7E151628AED2A6ABF7158809CF4F3C");
        byte[] iv = Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        using var ctr = new AesCounterMode(key);
        var whole = new byte[3000];
        ctr.Apply(iv, whole);
        var blockwise = new byte[16];
        for (int b = 0; b < whole.Length / 16; b++)
        {
            byte[] blockIv = (byte[])iv.Clone();
            blockIv[14] = (byte)(b >> 8);
            blockIv[15] = (byte)b;
            Array.Clear(blockwise);
            ctr.Apply(blockIv, blockwise);
            Assert.Equal(ToHex(blockwise), ToHex(whole.AsSpan(b * 16, 16)));
        }
    }

    [Fact]
    public void Rfc3711_AppendixB3_KeyDerivation()
    {
        using var prf = new AesCounterMode(Rfc3711MasterKey);
        var cipherKey = new byte[16];
        var cipherSalt = new byte[14];
        var authKey = new byte[94];
        SrtpKeyDerivation.Derive(prf, Rfc3711MasterSalt, SrtpKeyDerivation.LabelRtpEncryption, cipherKey);
        SrtpKeyDerivation.Derive(prf, Rfc3711MasterSalt, SrtpKeyDerivation.LabelRtpSalt, cipherSalt);
        SrtpKeyDerivation.Derive(prf, Rfc3711MasterSalt, SrtpKeyDerivation.LabelRtpAuthentication, authKey);

        Assert.Equal("c61e7a93744f39ee10734afe3ff7a087", ToHex(cipherKey));
        Assert.Equal("30cbbc08863d8c85d49db34a9ae1", ToHex(cipherSalt));
        Assert.Equal(
            "cebe321f6ff7716b6fd4ab49af256a15" +
            "6d38baa48f0a0acf3c34e2359e6cdbce" +
            "e049646c43d9327ad175578ef7227098" +
            "6371c10c9a369ac2f94a8c5fbcdddc25" +
            "6d6e919a48b610ef17c2041e47403576" +
            "6b68642c59bbfc2f34db60dbdfb2",
            ToHex(authKey));
    }

    [Fact]
    public void Rfc3711_AppendixB3_SessionKeysOfTheProfile()
    {
        SrtpSessionKeys keys = SrtpKeyDerivation.DeriveSessionKeys(
            SrtpProfile.AesCm128HmacSha1_80, Rfc3711MasterKey, Rfc3711MasterSalt, rtcp: false);
        Assert.Equal("c61e7a93744f39ee10734afe3ff7a087", ToHex(keys.EncryptionKey));
        Assert.Equal("30cbbc08863d8c85d49db34a9ae1", ToHex(keys.Salt));
        Assert.Equal("cebe321f6ff7716b6fd4ab49af256a156d38baa4", ToHex(keys.AuthenticationKey)); // 160 bits

        SrtpSessionKeys rtcp = SrtpKeyDerivation.DeriveSessionKeys(
            SrtpProfile.AesCm128HmacSha1_80, Rfc3711MasterKey, Rfc3711MasterSalt, rtcp: true);
        Assert.NotEqual(ToHex(keys.EncryptionKey), ToHex(rtcp.EncryptionKey)); // labels 3, 4, 5 differ
        Assert.NotEqual(ToHex(keys.AuthenticationKey), ToHex(rtcp.AuthenticationKey));
    }

    // libsrtp srtp_validate(): AES_CM_128_HMAC_SHA1_80 with the B.3 master key and salt,
    // SSRC 0xcafebabe, sequence 0x1234, 16 octets of 0xab.
    private const string LibSrtpRtpPlain =
        "800f1234 decafbad cafebabe" +                 // V=2 PT=15 SEQ=0x1234 TS SSRC
        "abababab abababab abababab abababab";         // payload
    private const string LibSrtpRtpProtected =
        "800f1234 decafbad cafebabe" +                 // header in the clear
        "4e55dc4c e79978d8 8ca4d215 949d2402" +        // AES-CM ciphertext
        "b78d6acc 99ea179b 8dbb";                      // 80-bit HMAC-SHA1 tag

    private const string LibSrtpRtcpPlain =
        "81c8000b cafebabe" +                          // V=2 RC=1 PT=SR length, sender SSRC
        "abababab abababab abababab abababab";
    private const string LibSrtpRtcpProtected =
        "81c8000b cafebabe" +                          // header + SSRC in the clear
        "7128035b e487b9bd bef89041 f977a5a8" +        // AES-CM ciphertext
        "80000001" +                                   // E=1, SRTCP index 1
        "993e08cd 54d6c123 0798";                      // 80-bit tag

    [Fact]
    public void LibSrtpReference_AesCm80_RtpProtectAndUnprotect()
    {
        using var sender = new SrtpContext(SrtpProfile.AesCm128HmacSha1_80, Rfc3711MasterKey, Rfc3711MasterSalt);
        Assert.Equal(ToHex(Hex(LibSrtpRtpProtected)), ToHex(ProtectRtp(sender, Hex(LibSrtpRtpPlain))));

        using var receiver = new SrtpContext(SrtpProfile.AesCm128HmacSha1_80, Rfc3711MasterKey, Rfc3711MasterSalt);
        (SrtpError error, byte[] plain) = UnprotectRtp(receiver, Hex(LibSrtpRtpProtected));
        Assert.Equal(SrtpError.None, error);
        Assert.Equal(ToHex(Hex(LibSrtpRtpPlain)), ToHex(plain));
    }

    [Fact]
    public void LibSrtpReference_AesCm80_RtcpProtectAndUnprotect()
    {
        using var sender = new SrtpContext(SrtpProfile.AesCm128HmacSha1_80, Rfc3711MasterKey, Rfc3711MasterSalt);
        Assert.Equal(ToHex(Hex(LibSrtpRtcpProtected)), ToHex(ProtectRtcp(sender, Hex(LibSrtpRtcpPlain))));

        using var receiver = new SrtpContext(SrtpProfile.AesCm128HmacSha1_80, Rfc3711MasterKey, Rfc3711MasterSalt);
        (SrtpError error, byte[] plain) = UnprotectRtcp(receiver, Hex(LibSrtpRtcpProtected));
        Assert.Equal(SrtpError.None, error);
        Assert.Equal(ToHex(Hex(LibSrtpRtcpPlain)), ToHex(plain));
    }

    // libsrtp srtp_validate_gcm(): AEAD_AES_128_GCM, master key 00..0f, salt a0..ab. Checks the
    // KDF with a 96-bit master salt end to end (RFC 7714 §16–17 skip the KDF).
    [Fact]
    public void LibSrtpReference_Gcm_RtpAndRtcpThroughKeyDerivation()
    {
        using var sender = new SrtpContext(SrtpProfile.AeadAes128Gcm, GcmMasterKey, GcmMasterSalt);
        Assert.Equal(
            "800f1234decafbadcafebabe" +                                   // header (AAD)
            "c5002ede04cfdd2eb91159e0880aa06e" +                           // ciphertext
            "d2976826f796b201df3131a127e8a392",                            // GCM tag
            ToHex(ProtectRtp(sender, Hex(LibSrtpRtpPlain))));
        Assert.Equal(
            "81c8000bcafebabe" +                                           // header + SSRC
            "c98b8b5df0392a55852b6c21ac8e7025" +                           // ciphertext
            "c52c6fbea2b3b446ea31123ba88ce61e" +                           // GCM tag
            "80000001",                                                    // E=1, index 1
            ToHex(ProtectRtcp(sender, Hex(LibSrtpRtcpPlain))));
    }
}
