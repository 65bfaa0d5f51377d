using CoStream.Mixer.Codecs;

namespace CoStream.Mixer.Tests.Codecs;

public class EncodedFramesTests
{
    [Theory]
    [InlineData("libx264", true)]
    [InlineData("libx264", false)] // through libavcodec's wrapper
    [InlineData("libx265", false)]
    public void IntoAReusedBuffer_TheSameBytes_AndNothingAllocatedPerFrameOnceWarm(string encoderName, bool direct)
    {
        var options = new VideoEncoderOptions
        {
            Encoder = encoderName, Width = 320, Height = 192, Fps = 30, GopFrames = 15, Preset = "ultrafast",
            BitrateBitsPerSecond = 600_000, DirectX264 = direct,
        };
        var frames = Enumerable.Range(0, 40).Select(i => X264DirectTests.Scene(i)).ToList();
        using var listEncoder = VideoEncoder.TryCreate(options, out var reason);
        using var bufferEncoder = VideoEncoder.TryCreate(options, out reason);
        Assert.True(listEncoder != null && bufferEncoder != null, reason);
        var listed = new List<EncodedVideoFrame>();
        var buffer = new EncodedFrames(initialCapacity: 1024); // grows on the first keyframe
        long allocated = 0;
        var (grew, measured) = (0, 0);
        for (var i = 0; i < frames.Count; i++)
        {
            Assert.True(listEncoder!.Encode(frames[i], i == 20, listed).Ok);
            var (before, capacity) = (GC.GetAllocatedBytesForCurrentThread(), buffer.Capacity);
            Assert.True(bufferEncoder!.Encode(frames[i], i == 20, buffer).Ok);
            // Only growing the buffer (a frame larger than any before) may allocate; the encoder itself never does.
            if (i > 0 && buffer.Capacity == capacity) { allocated += GC.GetAllocatedBytesForCurrentThread() - before; measured++; }
            else grew++;
            Assert.Equal(1, buffer.Count);
            Assert.True(listed[^1].Data.AsSpan().SequenceEqual(buffer.Data(0)), $"frame {i} differs");
            Assert.Equal((listed[^1].Pts, listed[^1].IsKeyframe), (buffer.Pts(0), buffer.IsKeyframe(0)));
        }
        // Zero when run alone; the runtime may charge a few bytes now and then to this thread (tiering, type loads while
        // other tests run) — the access units themselves (kilobytes a frame before) must not be allocated.
        Assert.True(allocated < 64L * measured, $"{allocated} bytes allocated over {measured} frames");
        Assert.True(buffer.Capacity > 1024);
        Assert.InRange(grew, 1, 6); // doubling: a handful of times at most
        Assert.True(bufferEncoder!.Flush(buffer).Ok);
    }

    [Fact]
    public void Add_GrowsAndKeepsEarlierUnits_Clear_Empties()
    {
        var b = new EncodedFrames(initialCapacity: 1024);
        var first = Enumerable.Range(0, 900).Select(i => (byte)i).ToArray();
        var second = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();
        b.Add(first, 1, 1, true);
        b.Add(second, 2, 2, false);
        Assert.Equal(2, b.Count);
        Assert.True(b.Data(0).SequenceEqual(first));
        Assert.True(b.Data(1).SequenceEqual(second));
        Assert.Equal(new EncodedVideoFrame(first, 1, 1, true).Pts, b.ToFrame(0).Pts);
        Assert.Equal(second, b.ToFrame(1).Data);
        b.Clear();
        Assert.Equal(0, b.Count);
    }
}
