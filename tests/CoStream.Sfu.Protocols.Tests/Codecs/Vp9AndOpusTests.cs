using CoStream.Sfu.Protocols.Codecs;
using static CoStream.Sfu.Protocols.Tests.Rtp.RtpTestBytes;

namespace CoStream.Sfu.Protocols.Tests.Codecs;

public class Vp9AndOpusTests
{
    [Theory]
    [InlineData("08 AA", true)]          // B=1 P=0, no layer indices
    [InlineData("0C AA", true)]          // B=1 E=1: a one-packet key frame
    [InlineData("48 AA", false)]         // P=1: inter-picture predicted
    [InlineData("00 AA", false)]         // B=0: not the start of a frame
    [InlineData("A8 8001 00", true)]     // I L B, 15-bit PictureID, TID=0 U=0 SID=0 D=0
    [InlineData("A8 8001 02", false)]    // SID=1: an upper spatial layer
    [InlineData("A8 05 00", true)]       // 7-bit PictureID, SID=0
    [InlineData("28", false)]            // L set but the layer byte is missing
    [InlineData("A8 80", false)]         // truncated 15-bit PictureID
    [InlineData("", false)]
    public void Rfc9628_4_2_Vp9KeyFrame(string hex, bool expected)
    {
        Assert.Equal(expected, Vp9Payload.IsKeyFrame(Hex(hex)));
    }

    [Fact]
    public void Rfc6716_3_1_OpusToc()
    {
        Assert.True(OpusToc.TryRead(Hex("FC FF FE"), out OpusToc toc)); // config 31, stereo, one frame
        Assert.Equal(31, toc.Config);
        Assert.True(toc.IsStereo);
        Assert.Equal(0, toc.FrameCountCode);

        Assert.True(OpusToc.TryRead(Hex("7B"), out toc)); // config 15, mono, code 3
        Assert.Equal(15, toc.Config);
        Assert.False(toc.IsStereo);
        Assert.Equal(3, toc.FrameCountCode);

        Assert.False(OpusToc.TryRead(ReadOnlySpan<byte>.Empty, out _));
    }
}
