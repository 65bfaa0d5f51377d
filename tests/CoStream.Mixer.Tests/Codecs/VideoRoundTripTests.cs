using CoStream.Mixer.Codecs;

namespace CoStream.Mixer.Tests.Codecs;

public class VideoRoundTripTests
{
    private const int Width = 320, Height = 240;

    internal static VideoEncoderOptions Options(int gop = 30) => new()
    {
        Width = Width, Height = Height, Fps = 15, BitrateBitsPerSecond = 1_000_000,
        GopFrames = gop, Preset = "ultrafast", Tune = "zerolatency",
    };

    internal static List<EncodedVideoFrame> Encode(VideoEncoderOptions options, int frames, Func<long, bool>? force = null)
    {
        using var encoder = VideoEncoder.TryCreate(options, out var reason);
        Assert.True(encoder != null, reason);
        var packets = new List<EncodedVideoFrame>();
        for (long i = 0; i < frames; i++)
        {
            var result = encoder!.Encode(Colours.Frame(options.Width, options.Height, i), force?.Invoke(i) ?? false, packets);
            Assert.True(result.Ok, result.Reason);
        }
        Assert.True(encoder!.Flush(packets).Ok);
        return packets;
    }

    [Fact]
    public void X264ZeroLatency_ThirtyColouredFrames_DecodeToTheSameColours()
    {
        var packets = Encode(Options(), 30);
        Assert.Equal(30, packets.Count);
        Assert.True(packets[0].IsKeyframe, "the first access unit is a keyframe");
        for (int i = 0; i < packets.Count; i++)
        {
            // Zero latency: no B-frames, so each frame comes out in order with dts == pts.
            Assert.Equal(i, packets[i].Pts);
            Assert.Equal(packets[i].Pts, packets[i].Dts);
            Assert.Null(AnnexB.Check(packets[i].Data, hevc: false, out _));
        }

        using var decoder = VideoDecoder.TryCreate(VideoCodec.H264, out var reason);
        Assert.True(decoder != null, reason);
        var pictures = new List<I420Frame>();
        foreach (var p in packets)
        {
            var result = decoder!.Decode(p.Data, p.Pts, pictures);
            Assert.True(result.Ok, result.Reason);
        }
        Assert.True(decoder!.Flush(pictures).Ok);

        Assert.Equal(30, pictures.Count);
        foreach (var picture in pictures)
        {
            Assert.Equal(Width, picture.Width); // read through AvFrameLayout: the offsets match the library
            Assert.Equal(Height, picture.Height);
            var (y, u, v) = Colours.ForFrame(picture.Pts);
            Assert.InRange(picture.MeanOf(0), y - 4, y + 4);
            Assert.InRange(picture.MeanOf(1), u - 4, u + 4);
            Assert.InRange(picture.MeanOf(2), v - 4, v + 4);
        }
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), pictures.Select(p => p.Pts));
        Assert.Equal(0, decoder.Refused);
    }

    [Fact]
    public void Gop10_KeyframesExactlyEveryTenFrames()
    {
        var packets = Encode(Options(gop: 10), 30);
        var keyframes = packets.Where(p => p.IsKeyframe).Select(p => p.Pts).ToArray();
        Assert.Equal([0L, 10L, 20L], keyframes);
        // A keyframe starts with parameter sets (SPS, NAL type 7) so a viewer can join on it.
        foreach (var k in packets.Where(p => p.IsKeyframe))
            Assert.Contains(7, NalTypes(k.Data));
    }

    [Fact]
    public void ForcedKeyframe_IsAnIdrWhereAsked()
    {
        var packets = Encode(Options(gop: 100), 20, force: i => i == 7);
        Assert.Equal([0L, 7L], packets.Where(p => p.IsKeyframe).Select(p => p.Pts).ToArray());
        Assert.Contains(5, NalTypes(packets[7].Data)); // IDR slice
    }

    [Theory]
    [InlineData(0, 240)]
    [InlineData(321, 240)]
    [InlineData(100_000, 240)]
    public void ImpossibleResolution_IsRefusedWithAReason(int width, int height)
    {
        var encoder = VideoEncoder.TryCreate(Options() with { Width = width, Height = height }, out var reason);
        Assert.Null(encoder);
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Theory]
    [InlineData(true, "warp-speed")]      // libx264 direct: x264_param_default_preset refuses it by name
    [InlineData(false, "avcodec_open2")]  // libavcodec's wrapper: the open fails
    public void UnknownPreset_IsRefusedWithTheLibrarysReason(bool direct, string expected)
    {
        var encoder = VideoEncoder.TryCreate(Options() with { Preset = "warp-speed", DirectX264 = direct }, out var reason);
        Assert.Null(encoder);
        Assert.Contains(expected, reason);
    }

    [Fact]
    public void FrameOfTheWrongSize_IsRefusedAndTheEncoderGoesOn()
    {
        using var encoder = VideoEncoder.TryCreate(Options(), out _)!;
        var packets = new List<EncodedVideoFrame>();
        var refused = encoder.Encode(I420Frame.Solid(160, 120, 16, 128, 128), false, packets);
        Assert.False(refused.Ok);
        Assert.Contains("160x120", refused.Reason);
        Assert.True(encoder.Encode(Colours.Frame(Width, Height, 0), false, packets).Ok);
        Assert.Single(packets);
        Assert.Equal(1, encoder.FramesRefused);
    }

    internal static List<int> NalTypes(byte[] au)
    {
        var types = new List<int>();
        for (int i = 0; i + 3 < au.Length; i++)
            if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1) types.Add(au[i + 3] & 0x1F);
        return types;
    }
}
