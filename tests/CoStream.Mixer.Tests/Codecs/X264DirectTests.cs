using CoStream.Mixer.Codecs;
using CoStream.Mixer.Codecs.Native;

namespace CoStream.Mixer.Tests.Codecs;

/// <summary>libx264 opened directly (<see cref="X264Session"/>) against the installed library.</summary>
public class X264DirectTests
{
    private const int W = 320, H = 192;

    private static VideoEncoderOptions Options(bool direct = true, bool hints = true) => new()
    {
        Width = W, Height = H, Fps = 30, BitrateBitsPerSecond = 800_000, GopFrames = 60,
        Preset = "ultrafast", Tune = "zerolatency", DirectX264 = direct, SkipUnchangedMacroblocks = hints,
    };

    /// <summary>A still gradient background with a 32x32 square moving right 4 pixels per frame, its colour cycling.</summary>
    internal static I420Frame Scene(long index, int w = W, int h = H)
    {
        var f = new I420Frame(w, h, index);
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
            f.Y[y * w + x] = (byte)(32 + (x + 2 * y) % 160);
        f.U.Fill(120);
        f.V.Fill(136);
        var sx = (int)(index * 4 % (w - 32));
        var (cy, cu, cv) = Colours.Palette[index / 3 % Colours.Palette.Length];
        for (var y = 64; y < 96; y++) f.Y.Slice(y * w + sx, 32).Fill(cy);
        for (var y = 32; y < 48; y++)
        {
            f.U.Slice(y * (w / 2) + sx / 2, 16).Fill(cu);
            f.V.Slice(y * (w / 2) + sx / 2, 16).Fill(cv);
        }
        return f;
    }

    private static (List<EncodedVideoFrame> Packets, VideoEncoder Encoder) Encode(VideoEncoderOptions options, IEnumerable<I420Frame> frames, Func<long, bool>? force = null)
    {
        var encoder = VideoEncoder.TryCreate(options, out var reason);
        Assert.True(encoder != null, reason);
        var packets = new List<EncodedVideoFrame>();
        foreach (var f in frames)
        {
            var r = encoder!.Encode(f, force?.Invoke(f.Pts) ?? false, packets);
            Assert.True(r.Ok, r.Reason);
        }
        Assert.True(encoder!.Flush(packets).Ok);
        return (packets, encoder);
    }

    private static List<I420Frame> Decode(List<EncodedVideoFrame> packets)
    {
        using var decoder = VideoDecoder.TryCreate(VideoCodec.H264, out var reason);
        Assert.True(decoder != null, reason);
        var pictures = new List<I420Frame>();
        foreach (var p in packets) Assert.True(decoder!.Decode(p.Data, p.Pts, pictures).Ok);
        Assert.True(decoder!.Flush(pictures).Ok);
        Assert.Equal(0, decoder.Refused);
        return pictures;
    }

    private static double MeanAbsDiff(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long sum = 0;
        for (var i = 0; i < a.Length; i++) sum += Math.Abs(a[i] - b[i]);
        return (double)sum / a.Length;
    }

    [Fact]
    public void Layout_IsTheInstalledLibrarys_AndDirectIsTheDefault()
    {
        Assert.Null(X264Layout.Verify());
        Assert.True(X264Session.IsAvailable(out var reason), reason);
        using var encoder = VideoEncoder.TryCreate(new VideoEncoderOptions { Width = W, Height = H }, out reason);
        Assert.True(encoder != null, reason);
        Assert.Equal("libx264 direct", encoder!.Backend);
        using var hinted = VideoEncoder.TryCreate(Options(), out reason);
        Assert.Equal("libx264 direct, unchanged macroblocks hinted", hinted!.Backend);
        using var wrapped = VideoEncoder.TryCreate(Options(direct: false), out reason);
        Assert.Equal("libavcodec", wrapped!.Backend);
    }

    [Fact]
    public void WithoutHints_TheBytesAreLibavcodecsWrappers()
    {
        // The direct path sets what FFmpeg 5.1's libx264 wrapper sets: same parameters, same stream, byte for byte.
        var frames = Enumerable.Range(0, 45).Select(i => Scene(i)).ToList();
        var (direct, e1) = Encode(Options(hints: false), frames, force: i => i == 20);
        var (wrapped, e2) = Encode(Options(direct: false), frames, force: i => i == 20);
        e1.Dispose(); e2.Dispose();
        Assert.Equal(wrapped.Count, direct.Count);
        for (var i = 0; i < direct.Count; i++)
        {
            Assert.Equal(wrapped[i].Pts, direct[i].Pts);
            Assert.Equal(wrapped[i].Dts, direct[i].Dts);
            Assert.Equal(wrapped[i].IsKeyframe, direct[i].IsKeyframe);
            Assert.True(wrapped[i].Data.AsSpan().SequenceEqual(direct[i].Data), $"access unit {i} differs");
        }
    }

    [Fact]
    public void WithHints_TheStillBackgroundIsHinted_AndEveryPictureDecodesAsWellAsWithout()
    {
        var frames = Enumerable.Range(0, 60).Select(i => Scene(i)).ToList();
        var (hinted, e1) = Encode(Options(), frames);
        var (plain, e2) = Encode(Options(hints: false), frames);
        // 20 x 12 macroblocks; the square touches at most 3 x 3 (two frames' positions: 4 x 3) of them per frame.
        Assert.True(e1.MacroblocksHinted > 59 * (240 - 12) * 9 / 10, $"{e1.MacroblocksHinted} of {e1.MacroblocksEncoded} hinted");
        Assert.Equal(60L * 240, e1.MacroblocksEncoded);
        Assert.Equal(0, e2.MacroblocksHinted);
        e1.Dispose(); e2.Dispose();

        var a = Decode(hinted);
        var b = Decode(plain);
        Assert.Equal(60, a.Count);
        for (var i = 0; i < 60; i++)
        {
            var withHints = MeanAbsDiff(a[i].Buffer, frames[i].Buffer);
            var without = MeanAbsDiff(b[i].Buffer, frames[i].Buffer);
            Assert.True(withHints <= without + 0.5, $"frame {i}: {withHints:F2} with hints vs {without:F2} without");
            Assert.True(withHints < 3, $"frame {i}: mean error {withHints:F2}");
        }
        // A skipped macroblock costs almost no bits: the hinted stream is no larger.
        Assert.True(hinted.Sum(p => p.Data.Length) <= plain.Sum(p => p.Data.Length) * 1.05);
    }

    [Theory]
    [InlineData(false)] // the luma of one macroblock flips
    [InlineData(true)]  // only the chroma of one macroblock flips (the luma is identical)
    public void OneMacroblockThatChanges_IsNeverLeftStale(bool chromaOnly)
    {
        // Everything is still except macroblock (7, 5), which alternates between two colours every frame: a wrong
        // "unchanged" hint would leave it showing the previous frame's colour.
        const int mx = 7, my = 5;
        var frames = new List<I420Frame>();
        for (var i = 0; i < 40; i++)
        {
            var f = I420Frame.Solid(W, H, 100, 128, 128, pts: i);
            var on = i % 2 == 1;
            for (var y = my * 16; y < my * 16 + 16; y++) f.Y.Slice(y * W + mx * 16, 16).Fill(chromaOnly ? (byte)100 : on ? (byte)220 : (byte)30);
            for (var y = my * 8; y < my * 8 + 8; y++) f.U.Slice(y * (W / 2) + mx * 8, 8).Fill(chromaOnly ? (on ? (byte)220 : (byte)40) : (byte)128);
            frames.Add(f);
        }
        var (packets, encoder) = Encode(Options(), frames);
        Assert.Equal(39L * 239, encoder.MacroblocksHinted);
        encoder.Dispose();
        var pictures = Decode(packets);
        for (var i = 0; i < 40; i++)
        {
            var on = i % 2 == 1;
            double sum = 0;
            if (chromaOnly)
            {
                for (var y = my * 8; y < my * 8 + 8; y++) for (var x = mx * 8; x < mx * 8 + 8; x++) sum += pictures[i].U[y * (W / 2) + x];
                Assert.InRange(sum / 64, on ? 200 : 30, on ? 230 : 60);
            }
            else
            {
                for (var y = my * 16; y < my * 16 + 16; y++) for (var x = mx * 16; x < mx * 16 + 16; x++) sum += pictures[i].Y[y * W + x];
                Assert.InRange(sum / 256, on ? 200 : 20, on ? 235 : 50);
            }
        }
    }

    [Fact]
    public void RefusedFrame_ForgetsThePreviousPicture_AndKeyframesStillComeWhereAsked()
    {
        using var encoder = VideoEncoder.TryCreate(Options(), out var reason)!;
        Assert.NotNull(encoder);
        var packets = new List<EncodedVideoFrame>();
        for (var i = 0; i < 10; i++) Assert.True(encoder.Encode(Scene(i), i == 6, packets).Ok);
        Assert.False(encoder.Encode(new I420Frame(160, 96), false, packets).Ok);
        Assert.Equal(10, packets.Count);
        Assert.Equal([0L, 6L], packets.Where(p => p.IsKeyframe).Select(p => p.Pts).ToArray());
        Assert.Equal(5, VideoRoundTripTests.NalTypes(packets[6].Data).First(t => t is 5 or 1));
        Assert.Equal(1, encoder.FramesRefused);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)] // x264 picks the thread count
    public void HintsWithoutTheZeroLatencyTune_StillEncodeEveryFrameAtOnce(int threads)
    {
        // veryfast without zerolatency would look ahead (and with threads, encode frames in parallel): frames held back
        // would read their hints after the call. Asking for hints turns that off, so each frame comes out of its own call.
        var options = Options() with { Preset = "veryfast", Tune = "", Threads = threads };
        using var encoder = VideoEncoder.TryCreate(options, out var reason);
        Assert.True(encoder != null, reason);
        var packets = new List<EncodedVideoFrame>();
        for (var i = 0; i < 20; i++)
        {
            var r = encoder!.Encode(Scene(i), false, packets);
            Assert.True(r.Ok, r.Reason);
            Assert.Equal(i + 1, packets.Count);
        }
        Assert.True(encoder!.MacroblocksHinted > 0);
        Assert.Equal(20, Decode(packets).Count);
    }
}
