using CoStream.Sfu.Protocols.Srtp;
using static CoStream.Sfu.Protocols.Tests.Srtp.SrtpTestData;

namespace CoStream.Sfu.Protocols.Tests.Srtp;

/// <summary>RFC 5764 §4.2: client key | server key | client salt | server salt.</summary>
public sealed class SrtpKeyingMaterialTests
{
    private static byte[] Material(SrtpProfile profile)
    {
        var material = new byte[SrtpProfileInfo.GetKeyingMaterialLength(profile)];
        for (int i = 0; i < material.Length; i++)
        {
            material[i] = (byte)(i * 11 + 3);
        }

        return material;
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Rfc5764_4_2_ClientOutboundIsServerInboundAndBack(SrtpProfile profile)
    {
        byte[] material = Material(profile);
        using SrtpContext clientOut = SrtpKeyingMaterial.CreateContext(profile, material, isDtlsClient: true, outbound: true);
        using SrtpContext clientIn = SrtpKeyingMaterial.CreateContext(profile, material, isDtlsClient: true, outbound: false);
        using SrtpContext serverOut = SrtpKeyingMaterial.CreateContext(profile, material, isDtlsClient: false, outbound: true);
        using SrtpContext serverIn = SrtpKeyingMaterial.CreateContext(profile, material, isDtlsClient: false, outbound: false);

        byte[] fromClient = ProtectRtp(clientOut, RtpPacket(1, 1, 50));
        byte[] fromServer = ProtectRtp(serverOut, RtpPacket(1, 1, 50));
        Assert.Equal(SrtpError.None, UnprotectRtp(serverIn, fromClient).Error);
        Assert.Equal(SrtpError.None, UnprotectRtp(clientIn, fromServer).Error);
        byte[] ownPacket = ProtectRtp(clientOut, RtpPacket(2, 1, 50));
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtp(clientIn, ownPacket).Error); // own keys are not the peer's
    }

    [Fact]
    public void Rfc5764_4_2_ClientWriteKeyAndSaltAreTheFirstOfEachPair()
    {
        // AES-CM: 16 + 16 + 14 + 14 bytes; the client's write key is [0..16), its salt [32..46).
        byte[] material = Material(SrtpProfile.AesCm128HmacSha1_80);
        using SrtpContext clientOut = SrtpKeyingMaterial.CreateContext(SrtpProfile.AesCm128HmacSha1_80, material, true, true);
        using var direct = new SrtpContext(SrtpProfile.AesCm128HmacSha1_80, material[..16], material[32..46]);
        byte[] plain = RtpPacket(9, 9, 30);
        Assert.Equal(ToHex(ProtectRtp(direct, plain)), ToHex(ProtectRtp(clientOut, plain)));

        using SrtpContext serverOut = SrtpKeyingMaterial.CreateContext(SrtpProfile.AesCm128HmacSha1_80, material, false, true);
        using var directServer = new SrtpContext(SrtpProfile.AesCm128HmacSha1_80, material[16..32], material[46..60]);
        Assert.Equal(ToHex(ProtectRtp(directServer, plain)), ToHex(ProtectRtp(serverOut, plain)));
    }

    [Fact]
    public void WrongMaterialLengthIsRejected()
    {
        Assert.Throws<ArgumentException>(() =>
            SrtpKeyingMaterial.CreateContext(SrtpProfile.AeadAes128Gcm, new byte[60], true, true));
    }
}
