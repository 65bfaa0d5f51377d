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
}
