using CoStream.Mixer.Flv;

namespace CoStream.Mixer.Tests.Flv;

/// <summary>The muxer's per-frame path allocates nothing once warm (bytes counted, not time).</summary>
public class FlvMuxerAllocationTests
{
    private sealed class CountingConsumer : IFlvTagConsumer
    {
        public long Tags, Bytes;
        public void OnTag(FlvTagKind kind, FlvTagType type, uint timestamp, ReadOnlySpan<byte> body) { Tags++; Bytes += body.Length; }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteVideoAndAudio_AfterWarmUp_AllocateNothing(bool hevc)
    {
        var video = MediaTools.Video(30, gop: 15, hevc);
        var consumer = new CountingConsumer();
        var muxer = new FlvMuxer(consumer);
        muxer.WriteMetadata(MediaTools.Metadata(hevc, [0x11, 0x90]), 0);
        var audio = new byte[300];
        for (int i = 0; i < 15; i++) { muxer.WriteVideo(video[i].Data, i * 66, i * 66, video[i].IsKeyframe); muxer.WriteAudio(audio, i * 66); }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 15; i < 30; i++) // includes a keyframe with the same parameter sets
        {
            muxer.WriteVideo(video[i].Data, i * 66, i * 66, video[i].IsKeyframe);
            muxer.WriteAudio(audio, i * 66);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, muxer.Refused);
        Assert.Equal(0, allocated);
        Assert.Equal(2 + 1 + 60, consumer.Tags); // metadata, AAC header, video header, 30 frames + 30 audio
    }
}

public class FlvMuxerTests
{
    private sealed class Recorder : IFlvTagConsumer
    {
        public readonly List<(FlvTagKind Kind, uint Ts)> Tags = [];
        public void OnTag(FlvTagKind kind, FlvTagType type, uint timestamp, ReadOnlySpan<byte> body) => Tags.Add((kind, timestamp));
    }

    [Fact]
    public void MetadataUpdate_SameCodec_KeepsTheVideoGoing_OtherCodec_WaitsForAKeyframe()
    {
        var video = MediaTools.Video(20, gop: 15, hevc: false);
        var rec = new Recorder();
        var muxer = new FlvMuxer(rec);
        muxer.WriteMetadata(MediaTools.Metadata(false, null), 0);
        for (int i = 0; i < 5; i++) Assert.True(muxer.WriteVideo(video[i].Data, i * 66, i * 66, video[i].IsKeyframe));
        muxer.WriteMetadata(MediaTools.Metadata(false, null) with { VideoKbps = 500 }, 330);
        Assert.True(muxer.WriteVideo(video[5].Data, 330, 330, false));
        muxer.WriteMetadata(MediaTools.Metadata(true, null), 400);
        Assert.False(muxer.WriteVideo(video[6].Data, 400, 400, false)); // an H.264 inter frame after switching to HEVC metadata
        Assert.Equal(1, muxer.Refused);
    }

    [Fact]
    public void TimestampsGoingBack_AreClampedAndCounted_32BitWrap()
    {
        var video = MediaTools.Video(3, gop: 15, hevc: false);
        var rec = new Recorder();
        var muxer = new FlvMuxer(rec);
        muxer.WriteMetadata(MediaTools.Metadata(false, null), 0x1_0000_0000L - 10); // just below 2^32 ms
        muxer.WriteVideo(video[0].Data, 0x1_0000_0000L + 5, 0x1_0000_0000L + 5, true);
        muxer.WriteVideo(video[1].Data, 100, 100, false); // goes back: clamped
        Assert.Equal(1, muxer.TimestampsClamped);
        Assert.Equal([0xFFFFFFF6u, 5u, 5u, 5u], rec.Tags.Select(t => t.Ts)); // metadata, header, key, clamped inter (wrapped)
    }
}
