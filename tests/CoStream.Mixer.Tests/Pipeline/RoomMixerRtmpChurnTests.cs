using CoStream.LoadTest.Mix;
using CoStream.Mixer.Compose;
using CoStream.Mixer.Flv;
using CoStream.Mixer.Pipeline;
using CoStream.Mixer.Rtmp;
using CoStream.Mixer.Tests.Codecs;
using CoStream.Mixer.Tests.Ingest;
using CoStream.Mixer.Tests.Rtmp;
using CoStream.Sfu;
using Xunit.Abstractions;
using static CoStream.Mixer.Tests.Pipeline.MixerTestKit;
using Role = CoStream.Mixer.Compose.ParticipantRole;

namespace CoStream.Mixer.Tests.Pipeline;

/// <summary>
/// The mixer's RTMP output when the RTMP server dies and comes back mid-stream (a real nginx-rtmp, SIGKILLed and restarted),
/// and the adaptive CPU controller acting on a live mixer.
/// </summary>
[Collection(IngestEngineCollection.Name)]
public sealed class RoomMixerRtmpChurnTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RtmpServerRestarts_TheMixerReconnects_StartsOnAKeyframeAtOnce_TimestampsGoOn()
    {
        using var nginx = new NginxRtmpServer();
        await using var sfu = SfuServer.Start(new SfuOptions());
        const string room = "mix-rtmp-churn";
        var rtmp = new RtmpPublisher(new RtmpPublisherOptions { Url = $"rtmp://127.0.0.1:{nginx.RtmpPort}/live/{room}" });
        rtmp.Start();
        var mixer = RoomMixer.TryStart(sfu, room, new RoomMixerOptions { Width = 320, Height = 240, Fps = 20, Preset = "ultrafast", Passthrough = false, GopSeconds = 10 },
            [rtmp], out var reason);
        Assert.True(mixer != null, reason);
        mixer!.SetLayout(new LayoutDescription(LayoutKind.Solo, [new LayoutParticipant(RoomMixer.SourceId(room, "anchor"), Role.Anchor, room)]));
        long framesAtKill, keyframesForSinks;
        await using (var anchor = await ColourPublisher.StartAsync(sfu, room, "anchor", Colours.Palette[1]))
        {
            await WaitUntil(() => rtmp.State == RtmpPublisherState.Publishing && mixer.VideoFramesOut > 40, "publishing");
            framesAtKill = mixer.VideoFramesOut;
            nginx.Kill();
            await Task.Delay(700);
            nginx.Start();
            await WaitUntil(() => rtmp.Connects >= 2 && rtmp.State == RtmpPublisherState.Publishing, "reconnected");
            var connectedAt = mixer.VideoFramesOut;
            await WaitUntil(() => mixer.VideoFramesOut > connectedAt + 40, "frames after the restart");
            keyframesForSinks = mixer.KeyframesForSinks;
            Assert.Null(anchor.Failure);
        }
        await mixer.DisposeAsync();
        await rtmp.CloseAsync();
        Assert.Null(mixer.Failure);
        var recordings = nginx.Recordings();
        output.WriteLine($"frames {mixer.VideoFramesOut} ({framesAtKill} before the kill); rtmp connects {rtmp.Connects}, dropped while down {rtmp.TagsDroppedWhileDown}, " +
                         $"keyframes asked by the sink {keyframesForSinks}; recordings {string.Join(", ", recordings.Select(r => new FileInfo(r).Length))} B");
        Assert.True(rtmp.Connects >= 2);
        Assert.True(keyframesForSinks >= 2, "each connection should have asked for a keyframe");
        // The session after the restart: starts on a keyframe, decodes, within a GOP of 10 s it would otherwise have had none.
        var after = MixerOutput.Read(File.ReadAllBytes(recordings[^1]), hevc: false);
        Assert.Equal(0, after.DecodeFailures);
        Assert.True(after.Pictures.Count > 30, $"{after.Pictures.Count} pictures after the restart");
        Assert.True(after.Pictures[0].Keyframe);
        Assert.True(after.Pictures.Zip(after.Pictures.Skip(1)).All(p => p.Second.Timestamp > p.First.Timestamp));
        Assert.All(after.Pictures, p => Assert.InRange(p.Frame.MeanOf(0), Colours.Palette[1].Y - 10, Colours.Palette[1].Y + 10));
    }

    [Fact]
    public async Task AdaptiveCpu_UnderATargetItCannotMeet_StepsTheFrameRateDown()
    {
        await using var sfu = SfuServer.Start(new SfuOptions());
        const string room = "mix-adaptive";
        var stream = new MemoryStream();
        var file = new FlvFileWriter(stream, leaveOpen: true);
        // A target of 1 % of a core: any real mixing is "over", so the controller must degrade, frame rate first.
        var mixer = RoomMixer.TryStart(sfu, room, new RoomMixerOptions
        {
            Width = 320, Height = 240, Fps = 20, Preset = "ultrafast", Passthrough = false, AdaptiveCpu = true, CpuTarget = 0.01,
        }, [file], out var reason);
        Assert.True(mixer != null, reason);
        mixer!.SetLayout(new LayoutDescription(LayoutKind.Solo, [new LayoutParticipant(RoomMixer.SourceId(room, "anchor"), Role.Anchor, room)]));
        var start = mixer.CpuDecision!.Value;
        await using (var anchor = await ColourPublisher.StartAsync(sfu, room, "anchor", Colours.Palette[0]))
            await WaitUntil(() => mixer.CpuDecision is { } d && d.Level > start.Level, "the controller degrading", seconds: 40);
        var decision = mixer.CpuDecision!.Value;
        await mixer.DisposeAsync();
        output.WriteLine($"controller: from level {start.Level} ({start.Fps} fps) to level {decision.Level}, {decision.Fps} fps, {decision.Preset}, {decision.Height}p — {decision.Reason}");
        Assert.True(decision.Fps < start.Fps && decision.Preset == start.Preset, "frame rate first");
        Assert.Null(mixer.Failure);
    }
}
