using CoStream.Mixer.Codecs;

namespace CoStream.Mixer.Tests.Codecs;

public class HevcRoundTripTests
{
    [Fact]
    public void X265ZeroLatency_ColouredFrames_DecodeToTheSameColours()
    {
        var options = VideoRoundTripTests.Options(gop: 10) with { Encoder = "libx265" };
        var packets = VideoRoundTripTests.Encode(options, 20);
        Assert.Equal(20, packets.Count);
        Assert.True(packets[0].IsKeyframe);
        Assert.Equal([0L, 10L], packets.Where(p => p.IsKeyframe).Select(p => p.Pts).ToArray());

        using var decoder = VideoDecoder.TryCreate(VideoCodec.Hevc, out var reason);
        Assert.True(decoder != null, reason);
        var pictures = new List<I420Frame>();
        foreach (var p in packets)
            Assert.True(decoder!.Decode(p.Data, p.Pts, pictures).Ok, decoder.LastRefusal);
        Assert.True(decoder!.Flush(pictures).Ok);
        Assert.Equal(20, pictures.Count);
        foreach (var picture in pictures)
        {
            Assert.Equal(320, picture.Width);
            Assert.Equal(240, picture.Height);
            var (y, u, v) = Colours.ForFrame(picture.Pts);
            Assert.InRange(picture.MeanOf(0), y - 4, y + 4);
            Assert.InRange(picture.MeanOf(1), u - 4, u + 4);
            Assert.InRange(picture.MeanOf(2), v - 4, v + 4);
        }
    }
}
