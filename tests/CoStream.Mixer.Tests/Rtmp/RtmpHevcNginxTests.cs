using CoStream.Mixer.Codecs;
using CoStream.Mixer.Flv;
using CoStream.Mixer.Rtmp;
using CoStream.Mixer.Tests.Codecs;
using CoStream.Mixer.Tests.Flv;
using Xunit.Abstractions;

namespace CoStream.Mixer.Tests.Rtmp;

public class RtmpHevcNginxTests(ITestOutputHelper output)
{
    /// <summary>
    /// H.265 as enhanced RTMP to Debian's nginx-rtmp: the publisher sends it (connect advertises fourCcList),
    /// but nginx-rtmp neither relays it to a player that joined first nor records it: it reads the
    /// ExVideoTagHeader's first byte (0x90–0x93) as legacy FrameType 9, never a keyframe, so its live and
    /// record modules drop every tag. This test pins that finding (if it fails, the installed nginx-rtmp
    /// learned enhanced RTMP: turn it into a decode check). HEVC output is verified through FlvFileWriter and
    /// HTTP-FLV instead, decoded by our hevc decoder.
    /// </summary>
    [Fact]
    public async Task HevcEnhancedRtmp_NginxRtmpDropsEveryVideoTag()
    {
        var video = MediaTools.Video(30, gop: 15, hevc: true);
        using var nginx = new NginxRtmpServer();
        await using var player = new RtmpTestPlayer(nginx.RtmpPort, "live", "h");
        RtmpPublisherNginxTests.WaitUntil(() => player.Playing, TimeSpan.FromSeconds(10), "the player");
        await using var publisher = new RtmpPublisher(new RtmpPublisherOptions { Url = $"rtmp://127.0.0.1:{nginx.RtmpPort}/live/h" });
        publisher.Start();
        RtmpPublisherNginxTests.WaitUntil(() => publisher.State == RtmpPublisherState.Publishing, TimeSpan.FromSeconds(10), "publishing");
        publisher.WriteMetadata(MediaTools.Metadata(hevc: true, null));
        RtmpPublisherNginxTests.FeedRealTime(publisher, video, null);
        RtmpPublisherNginxTests.WaitUntil(() => publisher.QueueLength == 0, TimeSpan.FromSeconds(5), "drained");
        Thread.Sleep(500);
        await publisher.CloseAsync();
        var received = player.Messages;
        output.WriteLine($"sent {publisher.TagsSent} tags; player received {received.Count(m => m.Type == RtmpMessageType.Video)} video, " +
            $"{received.Count(m => m.Type == RtmpMessageType.DataAmf0)} data messages; recordings: " +
            string.Join(", ", nginx.Recordings().Select(r => $"{Path.GetFileName(r)} {new FileInfo(r).Length} B")));

        Assert.Equal(32, publisher.TagsSent); // metadata + sequence header + 30 frames
        Assert.Equal(0, publisher.Muxer.Refused);
        Assert.Contains(received, m => m.Type == RtmpMessageType.DataAmf0); // the stream itself is relayed (metadata)
        Assert.DoesNotContain(received, m => m.Type == RtmpMessageType.Video);
        var recording = FlvTestReader.ReadAll(File.ReadAllBytes(nginx.Recordings().Single()));
        Assert.DoesNotContain(recording, t => t.Type == FlvTagType.Video);
    }
}
