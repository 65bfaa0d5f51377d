using CoStream.Sfu.Protocols.Srtp;

namespace CoStream.Sfu.Protocols.Tests.Srtp;

/// <summary>RFC 5764 §4.1.2 and RFC 7714 §14.2 profile parameters.</summary>
public sealed class SrtpProfileInfoTests
{
    [Theory]
    //          profile                           id      key salt rtpTag rtcpTag rtpOver rtcpOver keying
    [InlineData(SrtpProfile.AesCm128HmacSha1_80, 0x0001, 16, 14, 10, 10, 10, 14, 60)]
    [InlineData(SrtpProfile.AesCm128HmacSha1_32, 0x0002, 16, 14, 4, 10, 4, 14, 60)]
    [InlineData(SrtpProfile.AeadAes128Gcm, 0x0007, 16, 12, 16, 16, 16, 20, 56)]
    public void Rfc5764_Rfc7714_ProfileParameters(SrtpProfile profile, ushort id, int key, int salt,
        int rtpTag, int rtcpTag, int rtpOverhead, int rtcpOverhead, int keyingMaterial)
    {
        Assert.Equal(id, (ushort)profile);
        Assert.True(SrtpProfileInfo.IsSupported(profile));
        Assert.Equal(key, SrtpProfileInfo.GetMasterKeyLength(profile));
        Assert.Equal(salt, SrtpProfileInfo.GetMasterSaltLength(profile));
        Assert.Equal(rtpTag, SrtpProfileInfo.GetRtpAuthTagLength(profile));
        Assert.Equal(rtcpTag, SrtpProfileInfo.GetRtcpAuthTagLength(profile));
        Assert.Equal(rtpOverhead, SrtpProfileInfo.GetRtpOverhead(profile));
        Assert.Equal(rtcpOverhead, SrtpProfileInfo.GetRtcpOverhead(profile));
        Assert.Equal(keyingMaterial, SrtpProfileInfo.GetKeyingMaterialLength(profile));
        Assert.True(rtpOverhead <= SrtpContext.MaxRtpOverhead);
        Assert.True(rtcpOverhead <= SrtpContext.MaxRtcpOverhead);

        using SrtpContext context = SrtpTestData.CreateContext(profile);
        Assert.Equal(profile, context.Profile);
        Assert.Equal(rtpOverhead, context.RtpOverhead);
        Assert.Equal(rtcpOverhead, context.RtcpOverhead);
    }

    [Fact]
    public void MaxOverheadsAreTheGcmOnes()
    {
        Assert.Equal(16, SrtpContext.MaxRtpOverhead);
        Assert.Equal(20, SrtpContext.MaxRtcpOverhead);
        Assert.Equal(SrtpProfileInfo.MaxRtpOverhead, SrtpContext.MaxRtpOverhead);
        Assert.Equal(SrtpProfileInfo.MaxRtcpOverhead, SrtpContext.MaxRtcpOverhead);
    }

    [Theory]
    [InlineData((ushort)0x0000)]
    [InlineData((ushort)0x0005)] // SRTP_NULL_HMAC_SHA1_80: not implemented
    [InlineData((ushort)0x0008)] // SRTP_AEAD_AES_256_GCM: not implemented
    public void UnsupportedProfiles(ushort id)
    {
        var profile = (SrtpProfile)id;
        Assert.False(SrtpProfileInfo.IsSupported(profile));
        Assert.Throws<ArgumentOutOfRangeException>(() => SrtpProfileInfo.GetMasterKeyLength(profile));
        Assert.Throws<ArgumentOutOfRangeException>(() => SrtpProfileInfo.GetRtpOverhead(profile));
    }
}
