using CoStream.Mixer.Rtmp;
using CoStream.Mixer.Tests.Flv;

namespace CoStream.Mixer.Tests.Rtmp;

public class RtmpPublisherOfflineTests
{
    /// <summary>No server: the mixer's calls return at once, media is dropped and counted, connects keep failing and retrying.</summary>
    [Fact]
    public async Task NoServer_WritesNeverBlock_DropsAreCounted_RetriesContinue()
    {
        var port = NginxRtmpServer.FreePort(); // nobody listens
        await using var publisher = new RtmpPublisher(new RtmpPublisherOptions
        {
            Url = $"rtmp://127.0.0.1:{port}/live/x",
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(20), ReconnectMaxDelay = TimeSpan.FromMilliseconds(40),
        });
        publisher.Start();
        var video = MediaTools.Video(15, gop: 15, hevc: false);
        publisher.WriteMetadata(MediaTools.Metadata(hevc: false, null));
        MediaTools.Feed(publisher, video, null, 48_000);
        Assert.Equal(15, publisher.TagsDroppedWhileDown);
        Assert.Equal(0, publisher.QueueLength);
        RtmpPublisherNginxTests.WaitUntil(() => publisher.ConnectFailures >= 3, TimeSpan.FromSeconds(10), "retries");
        Assert.Equal(0, publisher.Connects);
        Assert.NotNull(publisher.LastError);
        await publisher.CloseAsync();
        Assert.Equal(RtmpPublisherState.Closed, publisher.State);
    }

    [Fact]
    public void Options_AreValidated()
    {
        Assert.Throws<ArgumentException>(() => new RtmpPublisher(new RtmpPublisherOptions { Url = "rtmp://127.0.0.1/live" }));
        Assert.Throws<ArgumentException>(() => new RtmpPublisher(new RtmpPublisherOptions { Url = "rtmp://127.0.0.1/live/x", ChunkSize = 10 }));
    }
}
