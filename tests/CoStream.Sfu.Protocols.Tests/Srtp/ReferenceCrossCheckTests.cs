using System.Security.Cryptography;
using CoStream.Sfu.Protocols.Srtp;
using static CoStream.Sfu.Protocols.Tests.Srtp.SrtpTestData;

namespace CoStream.Sfu.Protocols.Tests.Srtp;

/// <summary>AES_CM_128_HMAC_SHA1_80 / _32 checked against the independent <see cref="ReferenceSrtp"/>.</summary>
public sealed class ReferenceCrossCheckTests
{
    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80, 10)]
    [InlineData(SrtpProfile.AesCm128HmacSha1_32, 4)]
    public void AesCmHmacSha1_MatchesPlainReference(SrtpProfile profile, int tagLength)
    {
        var random = new Random(3711);
        for (int round = 0; round < 50; round++)
        {
            var masterKey = new byte[16];
            var masterSalt = new byte[14];
            random.NextBytes(masterKey);
            random.NextBytes(masterSalt);
            using var sender = new SrtpContext(profile, masterKey, masterSalt);
            var reference = new ReferenceSrtp(masterKey, masterSalt, tagLength);

            uint ssrc = (uint)random.NextInt64(0, 1L << 32);
            ushort seq = (ushort)random.Next(0, 1 << 15);
            for (int packet = 0; packet < 4; packet++, seq++)
            {
                byte[] plain = RtpPacket(seq, ssrc, random.Next(0, 1500), (uint)random.Next());
                random.NextBytes(plain.AsSpan(12));
                Assert.Equal(ToHex(reference.Protect(plain, roc: 0)), ToHex(ProtectRtp(sender, plain)));
            }
        }
    }

    [Fact]
    public void Rfc3711_3_4_AesCmSrtcpWithEFlagClearIsAuthenticatedOnly()
    {
        // Build an unencrypted SRTCP packet (E = 0, index 5) by hand with HMACSHA1 over the
        // RTCP session authentication key (label 0x04), and check the context accepts it as is.
        SrtpSessionKeys rtcpKeys = SrtpKeyDerivation.DeriveSessionKeys(
            SrtpProfile.AesCm128HmacSha1_80, Rfc3711MasterKey, Rfc3711MasterSalt, rtcp: true);
        byte[] rtcp = RtcpPacket(0x01020304, 24);
        byte[] authenticated = [.. rtcp, 0x00, 0x00, 0x00, 0x05];            // E=0, SRTCP index 5
        using var hmac = new HMACSHA1(rtcpKeys.AuthenticationKey);
        byte[] wire = [.. authenticated, .. hmac.ComputeHash(authenticated)[..10]];

        using var receiver = new SrtpContext(SrtpProfile.AesCm128HmacSha1_80, Rfc3711MasterKey, Rfc3711MasterSalt);
        (SrtpError error, byte[] plain) = UnprotectRtcp(receiver, wire);
        Assert.Equal(SrtpError.None, error);
        Assert.Equal(ToHex(rtcp), ToHex(plain));
        Assert.Equal(SrtpError.ReplayDuplicate, UnprotectRtcp(receiver, wire).Error);
    }
}
