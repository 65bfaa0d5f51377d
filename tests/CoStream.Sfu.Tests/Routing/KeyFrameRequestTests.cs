using CoStream.Sfu.Protocols.Codecs;
using CoStream.Sfu.Tests.Harness;

namespace CoStream.Sfu.Tests.Routing;

/// <summary>
/// Keyframe requests (RFC 4585 §6.3.1 PLI) towards a publisher: a new player needs a keyframe and the SFU
/// asks for one, but many players joining together cost the publisher only a few keyframes
/// (<c>KeyFrameRequestThrottle</c>).
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class KeyFrameRequestTests
{
    private const byte Vp8 = 96;
    private const int Joiners = 10;

    [Fact]
    public async Task NewPlayer_CausesAPliToThePublisher_AndStartsOnTheKeyframe()
    {
        await using var engine = EngineHarness.Start();
        var publisher = await engine.PublishAsync("key", "pub");
        // Streaming with nobody watching: no keyframe requests.
        Assert.True(await EngineHarness.WaitUntilAsync(() => publisher.Peer.Stats.Snapshot().PacketsSent >= 200));
        Assert.Equal(0, publisher.Peer.Stats.Snapshot().PlisReceived);
        var before = publisher.Peer.Stats.Snapshot();

        var recorder = new RtpRecorder();
        await engine.PlayAsync("key", "player", "pub", EngineHarness.PeerOptions(recorder));
        Assert.True(await EngineHarness.WaitUntilAsync(() => recorder.Received.Any(r => r.PayloadType == Vp8)), "the player receives video");

        var delta = publisher.Peer.Stats.Snapshot().Minus(before);
        Assert.True(delta.PlisReceived >= 1, "no PLI reached the publisher");
        Assert.True(delta.KeyFramesSent >= 1, "the publisher sent no keyframe");
        Assert.True(engine.Sfu.Counters.Read("rtcp.pli.sent") >= 1);
        var firstVideo = recorder.Received.First(r => r.PayloadType == Vp8);
        Assert.True(Vp8PayloadDescriptor.IsKeyFrame(firstVideo.Payload), "the player's first video packet is not a keyframe");
    }

    [Fact]
    public async Task ManyPlayersJoiningAtOnce_CostFarFewerPlisThanPlayers()
    {
        const int intervalMs = 1000;
        await using var engine = EngineHarness.Start(new SfuOptions { KeyFrameRequestIntervalMs = intervalMs });
        var publisher = await engine.PublishAsync("key", "pub");
        Assert.True(await EngineHarness.WaitUntilAsync(() => publisher.Peer.Stats.Snapshot().PacketsSent >= 200));
        var before = publisher.Peer.Stats.Snapshot();
        long joinStartMs = Environment.TickCount64;

        var recorders = Enumerable.Range(0, Joiners).Select(_ => new RtpRecorder()).ToArray();
        var players = await Task.WhenAll(recorders.Select((r, i) => engine.PlayAsync("key", $"player{i}", "pub", EngineHarness.PeerOptions(r))));
        Assert.True(await EngineHarness.WaitUntilAsync(() => recorders.All(r => r.Received.Any(p => p.PayloadType == Vp8))),
            "every player receives video");

        long windowMs = Environment.TickCount64 - joinStartMs;
        var delta = publisher.Peer.Stats.Snapshot().Minus(before);
        Assert.True(delta.PlisReceived >= 1, "no PLI reached the publisher");
        // The throttle's contract: at most one request per interval (plus the first at once), whatever the number of joiners.
        Assert.True(delta.PlisReceived <= 2 + windowMs / intervalMs, $"{delta.PlisReceived} PLIs in {windowMs} ms");
        Assert.True(delta.PlisReceived < Joiners / 2, $"{delta.PlisReceived} PLIs for {Joiners} players joining together");
        for (int i = 0; i < Joiners; i++)
            Assert.True(Vp8PayloadDescriptor.IsKeyFrame(recorders[i].Received.First(p => p.PayloadType == Vp8).Payload), $"player {i} ({players[i].TransportId}): the first video packet is not a keyframe");
    }
}
