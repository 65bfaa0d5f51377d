using CoStream.LoadTest.Mix;
using CoStream.Mixer.Codecs;
using CoStream.Mixer.Compose;
using CoStream.Mixer.Tests.Flv;

namespace CoStream.Mixer.Tests.Codecs;

/// <summary>Pictures read where libavcodec wrote them (<see cref="VideoDecoder.DecodeInPlace"/>), and the compositor drawing from them.</summary>
public class DecodeInPlaceTests
{
    private static (byte Y, byte U, byte V) Means(DecodedPicture p)
    {
        var f = p.ToI420Frame();
        return ((byte)Math.Round(f.MeanOf(0)), (byte)Math.Round(f.MeanOf(1)), (byte)Math.Round(f.MeanOf(2)));
    }

    [Fact]
    public void InPlacePictures_AreTheSamePixelsAsCopiedOnes()
    {
        // Moving content, so a wrong stride or plane would show.
        var frames = Enumerable.Range(0, 20).Select(i => X264DirectTests.Scene(i)).ToList();
        var options = new VideoEncoderOptions { Width = 320, Height = 192, Fps = 30, Preset = "ultrafast", BitrateBitsPerSecond = 1_000_000 };
        using var encoder = VideoEncoder.TryCreate(options, out var reason)!;
        Assert.NotNull(encoder);
        var packets = new List<EncodedVideoFrame>();
        foreach (var f in frames) Assert.True(encoder.Encode(f, false, packets).Ok);

        using var copying = VideoDecoder.TryCreate(VideoCodec.H264, out reason)!;
        using var inPlace = VideoDecoder.TryCreate(VideoCodec.H264, out reason)!;
        var copies = new List<I420Frame>();
        foreach (var p in packets)
        {
            copies.Clear();
            Assert.True(copying.Decode(p.Data, p.Pts, copies).Ok);
            Assert.True(inPlace.DecodeInPlace(p.Data, p.Pts, out var picture).Ok);
            Assert.NotNull(picture);
            using (picture)
            {
                Assert.Equal(p.Pts, picture!.Pts);
                Assert.True(picture.View.StrideY >= picture.Width);
                Assert.Equal(Assert.Single(copies).Buffer, picture.ToI420Frame().Buffer);
            }
        }
        Assert.Equal(20, inPlace.FramesOut);
    }

    [Fact]
    public void AHeldPicture_KeepsItsPixelsWhileTheDecoderGoesOn_AndAfterTheDecoderIsGone()
    {
        var packets = VideoRoundTripTests.Encode(VideoRoundTripTests.Options(), 30); // colour changes every 5 frames
        var decoder = VideoDecoder.TryCreate(VideoCodec.H264, out var reason)!;
        Assert.NotNull(decoder);
        Assert.True(decoder.DecodeInPlace(packets[0].Data, 0, out var first).Ok);
        var expected = Colours.ForFrame(0);
        for (var i = 1; i < packets.Count; i++)
        {
            Assert.True(decoder.DecodeInPlace(packets[i].Data, i, out var next).Ok);
            var (y, u, v) = Colours.ForFrame(i);
            var m = Means(next!);
            Assert.InRange(m.Y, y - 4, y + 4);
            Assert.InRange(m.U, u - 4, u + 4);
            next!.Dispose();
            Assert.False(next.InUse);
        }
        // libavcodec recycled its other buffers 29 times meanwhile; the held one is untouched.
        var held = Means(first!);
        Assert.InRange(held.Y, expected.Y - 4, expected.Y + 4);
        Assert.InRange(held.V, expected.V - 4, expected.V + 4);
        decoder.Dispose();
        Assert.Equal(held, Means(first!)); // the buffer is reference-counted: still there
        first!.Dispose();
        first.Dispose(); // twice is harmless
        Assert.Throws<ObjectDisposedException>(() => first.ToI420Frame());
    }

    [Fact]
    public void HostileInput_IsRefused_NoPicture_AndTheNextKeyframeDecodes()
    {
        var packets = VideoRoundTripTests.Encode(VideoRoundTripTests.Options(gop: 5), 10);
        using var decoder = VideoDecoder.TryCreate(VideoCodec.H264, out _)!;
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        garbage[0] = 0; garbage[1] = 0; garbage[2] = 1; garbage[3] = 0x65; // claims to be an IDR slice
        Assert.False(decoder.DecodeInPlace(garbage, 0, out var none).Ok && none != null);
        none?.Dispose();
        Assert.False(decoder.DecodeInPlace([], 0, out none).Ok);
        Assert.Null(none);
        Assert.True(decoder.DecodeInPlace(packets[5].Data, 5, out var picture).Ok);
        using (picture) Assert.NotNull(picture);
    }

    [Fact]
    public void Compositor_DrawsAnInPlacePictureLikeItsCopy_AndGivesItBack()
    {
        var packets = VideoRoundTripTests.Encode(VideoRoundTripTests.Options(), 6);
        using var decoder = VideoDecoder.TryCreate(VideoCodec.H264, out _)!;
        Assert.True(decoder.DecodeInPlace(packets[0].Data, 0, out var a).Ok);
        Assert.True(decoder.DecodeInPlace(packets[1].Data, 1, out var b).Ok);

        // A scaled tile (PiP) and a cropped one, drawn from the frame in place and from its packed copy.
        var layout = new LayoutDescription(LayoutKind.Tiles,
        [
            new LayoutParticipant("anchor", ParticipantRole.Anchor, "room"),
            new LayoutParticipant("guest", ParticipantRole.Guest, "room"),
        ]);
        using var fromFrames = new VideoCompositor(new CompositorOptions { Width = 640, Height = 360 });
        using var fromCopies = new VideoCompositor(new CompositorOptions { Width = 640, Height = 360 });
        fromFrames.SetLayout(layout);
        fromCopies.SetLayout(layout);
        fromCopies.Submit("anchor", a!.ToI420Frame(), 0);
        fromCopies.Submit("guest", b!.ToI420Frame(), 0);
        fromFrames.Submit("anchor", a, 0);
        fromFrames.Submit("guest", b, 0);
        Assert.Equal(fromCopies.Compose(10).Buffer, fromFrames.Compose(10).Buffer);

        // The next picture of a participant replaces and gives back the last; removing or disposing gives back the rest.
        Assert.True(decoder.DecodeInPlace(packets[2].Data, 2, out var c).Ok);
        fromFrames.Submit("anchor", c!, 20);
        Assert.False(a.InUse);
        fromFrames.Remove("guest");
        Assert.False(b.InUse);
        fromFrames.Dispose();
        Assert.False(c.InUse);
    }

    [Fact]
    public void AStreamIn422_IsConvertedOnce_AndReadLikeTheCopyingPath()
    {
        // H.264 High 4:2:2 (a camera or OBS may send it): not 4:2:0, so the decoder converts into its recycled pictures
        // and the in-place picture wraps one of those.
        var r = MediaTools.Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10",
            "-frames:v", "8", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv422p", "-bsf:v", "h264_metadata=aud=insert", "-f", "h264", "pipe:1"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var units = ReplayPublisher.SplitAccessUnits(r.Stdout);
        Assert.Equal(8, units.Count);
        using var copying = VideoDecoder.TryCreate(VideoCodec.H264, out var reason)!;
        using var inPlace = VideoDecoder.TryCreate(VideoCodec.H264, out reason, recycledPictures: 2)!;
        var copies = new List<I420Frame>();
        DecodedPicture? previous = null;
        for (var i = 0; i < units.Count; i++)
        {
            copies.Clear();
            Assert.True(copying.Decode(units[i], i, copies).Ok);
            Assert.True(inPlace.DecodeInPlace(units[i], i, out var picture).Ok);
            Assert.Equal(Assert.Single(copies).Buffer, picture!.ToI420Frame().Buffer);
            Assert.Equal(320, picture.View.StrideY); // a packed, converted picture
            previous?.Dispose(); // double buffering, as the compositor does
            previous = picture;
        }
        previous!.Dispose();
        Assert.False(previous.InUse);
    }
}
