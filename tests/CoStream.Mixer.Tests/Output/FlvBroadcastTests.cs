using CoStream.Mixer.Flv;
using CoStream.Mixer.Output;
using CoStream.Mixer.Tests.Flv;

namespace CoStream.Mixer.Tests.Output;

public class FlvBroadcastTests
{
    internal static byte[] Drain(FlvViewer viewer)
    {
        var ms = new MemoryStream();
        while (viewer.Reader.TryRead(out var chunk)) { ms.Write(chunk.Span); viewer.Consumed(chunk); }
        return ms.ToArray();
    }

    [Fact]
    public void ViewerJoiningMidGop_StartsWithHeadersThenTheCachedKeyframe()
    {
        var video = MediaTools.Video(40, gop: 15, hevc: false);
        var broadcast = new FlvBroadcast();
        broadcast.WriteMetadata(MediaTools.Metadata(hevc: false, null));
        FlvViewer? late = null;
        MediaTools.Feed(broadcast, video, null, 48_000, afterVideo: v => { if (v == 20) late = broadcast.Subscribe(); });
        Assert.Equal(10, broadcast.GopCacheTags); // frames 30..39: the current GOP
        broadcast.Close();

        var tags = FlvTestReader.ReadAll(Drain(late!));
        Assert.Equal(FlvTagType.ScriptData, tags[0].Type);
        Assert.Equal(new byte[] { 0x17, 0x00 }, tags[1].Body[..2]);      // AVC sequence header
        Assert.Equal(new byte[] { 0x17, 0x01 }, tags[2].Body[..2]);      // then a keyframe: frame 15
        Assert.Equal(1000u, tags[2].Timestamp);
        var units = FlvTestReader.VideoAccessUnits(tags);
        Assert.Equal(25, units.Count); // frames 15..39, nothing lost, nothing twice
        Assert.Equal(Enumerable.Range(15, 25).Select(i => (uint)(i * 1000 / 15)), units.Select(u => u.Timestamp));
    }

    [Fact]
    public void SlowViewer_IsDroppedAndCounted_OthersGetEverything()
    {
        var video = MediaTools.Video(30, gop: 15, hevc: false);
        var broadcast = new FlvBroadcast(new FlvBroadcastOptions { ViewerQueueMaxTags = 10 });
        broadcast.WriteMetadata(MediaTools.Metadata(hevc: false, null));
        var slow = broadcast.Subscribe()!;
        var fast = broadcast.Subscribe()!;
        var fastBytes = new MemoryStream();
        MediaTools.Feed(broadcast, video, null, 48_000, afterVideo: _ =>
        {
            while (fast.Reader.TryRead(out var c)) { fastBytes.Write(c.Span); fast.Consumed(c); }
        });
        Assert.Equal(1, broadcast.ViewersDroppedSlow);
        Assert.NotNull(slow.DropReason);
        Assert.Null(fast.DropReason);
        Assert.Equal(1, broadcast.ViewerCount);
        broadcast.Close();
        Assert.Equal(30, FlvTestReader.VideoAccessUnits(FlvTestReader.ReadAll(fastBytes.ToArray())).Count);
    }

    [Fact]
    public void GopLongerThanTheCache_NewViewerWaitsForTheNextKeyframe()
    {
        var video = MediaTools.Video(40, gop: 15, hevc: false);
        var broadcast = new FlvBroadcast(new FlvBroadcastOptions { GopCacheMaxTags = 8 });
        broadcast.WriteMetadata(MediaTools.Metadata(hevc: false, null));
        FlvViewer? late = null;
        MediaTools.Feed(broadcast, video, null, 48_000, afterVideo: v => { if (v == 25) late = broadcast.Subscribe(); });
        broadcast.Close();
        Assert.True(broadcast.GopCacheOverflows >= 2);
        var tags = FlvTestReader.ReadAll(Drain(late!));
        var firstFrame = tags.First(t => t.Type == FlvTagType.Video && t.Body[1] == 1);
        Assert.Equal(0x17, firstFrame.Body[0]);          // still a keyframe: the next one, frame 30
        Assert.Equal(10, FlvTestReader.VideoAccessUnits(tags).Count); // frames 30..39
        Assert.Equal(2000u, firstFrame.Timestamp);
    }

    [Fact]
    public void AfterClose_SubscribeIsRefused()
    {
        var broadcast = new FlvBroadcast();
        broadcast.Close();
        Assert.Null(broadcast.Subscribe());
    }
}
