using CoStream.Mixer.Codecs;

namespace CoStream.Mixer.Tests.Codecs;

/// <summary>A decoder that recycles its pictures (the mixer's double buffering) and the check for a decodable start.</summary>
public class VideoDecoderRecyclingTests
{
    [Fact]
    public void TwoRecycledPictures_AlternateAndStillHoldEachFramesColours()
    {
        var packets = VideoRoundTripTests.Encode(VideoRoundTripTests.Options(), 12);
        using var decoder = VideoDecoder.TryCreate(VideoCodec.H264, out var reason, recycledPictures: 2);
        Assert.True(decoder != null, reason);
        var seen = new List<I420Frame>();
        var pictures = new List<I420Frame>();
        foreach (var p in packets)
        {
            pictures.Clear();
            Assert.True(decoder!.Decode(p.Data, p.Pts, pictures).Ok);
            var picture = Assert.Single(pictures);
            // Checked before the next decode: until then the picture is the frame's own.
            var (y, u, v) = Colours.ForFrame(picture.Pts);
            Assert.Equal(p.Pts, picture.Pts);
            Assert.InRange(picture.MeanOf(0), y - 4, y + 4);
            Assert.InRange(picture.MeanOf(1), u - 4, u + 4);
            Assert.InRange(picture.MeanOf(2), v - 4, v + 4);
            seen.Add(picture);
        }
        Assert.Equal(2, seen.Distinct().Count());
        for (var i = 2; i < seen.Count; i++) Assert.Same(seen[i - 2], seen[i]);
        Assert.NotSame(seen[0], seen[1]);
    }

    [Fact]
    public void NoRecycling_EveryPictureIsNew()
    {
        var packets = VideoRoundTripTests.Encode(VideoRoundTripTests.Options(), 4);
        using var decoder = VideoDecoder.TryCreate(VideoCodec.H264, out _)!;
        var pictures = new List<I420Frame>();
        foreach (var p in packets) Assert.True(decoder.Decode(p.Data, p.Pts, pictures).Ok);
        Assert.Equal(4, pictures.Distinct().Count());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(VideoDecoder.MaxRecycledPictures + 1)]
    public void RecycledPicturesOutOfRange_Refused(int n)
    {
        Assert.Null(VideoDecoder.TryCreate(VideoCodec.H264, out var reason, recycledPictures: n));
        Assert.Contains("recycledPictures", reason);
    }

    [Fact]
    public void ContainsSps_KeyframeHasItDeltaFrameNot()
    {
        var packets = VideoRoundTripTests.Encode(VideoRoundTripTests.Options(), 3);
        Assert.True(AnnexB.ContainsSps(packets[0].Data, hevc: false));
        Assert.False(AnnexB.ContainsSps(packets[1].Data, hevc: false));
    }

    [Fact]
    public void ContainsSps_HandMadeUnits()
    {
        // start code, AUD (type 9), start code, SPS header byte (0x67: nal_ref_idc 3, type 7), one payload byte
        Assert.True(AnnexB.ContainsSps([0, 0, 0, 1, 0x09, 0xF0, 0, 0, 1, 0x67, 0x42], hevc: false));
        // an IDR slice alone (0x65: type 5)
        Assert.False(AnnexB.ContainsSps([0, 0, 0, 1, 0x65, 0x88], hevc: false));
        // H.265 SPS: NAL header 0x42 0x01 (type 33)
        Assert.True(AnnexB.ContainsSps([0, 0, 1, 0x42, 0x01, 0x01], hevc: true));
        // H.265 IDR_W_RADL: 0x26 0x01 (type 19); the same bytes read as H.264 are type 6 (SEI)
        Assert.False(AnnexB.ContainsSps([0, 0, 1, 0x26, 0x01, 0xAF], hevc: true));
        Assert.False(AnnexB.ContainsSps([], hevc: false));
        Assert.False(AnnexB.ContainsSps([0, 0, 1], hevc: false));
    }
}
