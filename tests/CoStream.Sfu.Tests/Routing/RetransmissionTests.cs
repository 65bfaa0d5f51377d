using System.Net;
using CoStream.Sfu.Tests.Harness;
using CoStream.Tests.Shared;

namespace CoStream.Sfu.Tests.Routing;

/// <summary>
/// Generic NACK (RFC 4585 §6.2.1) on both legs, with a seeded 10 % loss in one direction of one peer's path
/// (a <see cref="LossyUdpRelay"/> that only that peer's answer points at): the SFU answers a player's NACKs
/// from its retransmission buffer, and NACKs the publisher's own losses, which the publisher answers.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class RetransmissionTests
{
    private const byte Vp8 = 96;
    private const int VideoPackets = 800;

    [Fact]
    public async Task LossTowardsPlayer_IsRecovered_FromTheSfusRetransmissionBuffer()
    {
        await using var engine = EngineHarness.Start();
        using var relay = new LossyUdpRelay(new IPEndPoint(IPAddress.Loopback, engine.Port), lossToSfu: 0, lossFromSfu: 0.10, seed: 7);
        var publisher = await engine.PublishAsync("nack", "pub");
        var recorder = new RtpRecorder();
        var player = await engine.PlayAsync("nack", "lossy", "pub", EngineHarness.PeerOptions(recorder), engine.Via(relay.Port));

        Assert.True(await EngineHarness.WaitUntilAsync(() => recorder.Received.Count(r => r.PayloadType == Vp8 && !r.Duplicate) >= VideoPackets),
            "the lossy player receives video");
        publisher.Peer.StopMedia();
        await EngineHarness.WaitUntilAsync(() => VideoHoles(recorder).Residual == 0, 3_000);

        var (recovered, residual) = VideoHoles(recorder);
        var stats = player.Peer.Stats.Snapshot();
        Assert.True(relay.DroppedFromSfu > 0, "the relay dropped nothing");
        Assert.True(stats.NacksSent > 0, "the player sent no NACK");
        Assert.True(engine.Sfu.Counters.Read("rtcp.nack.received") > 0);
        Assert.True(engine.Sfu.Counters.Read("rtp.retransmitted") > 0);
        Assert.True(recovered > 0, "no lost packet arrived after a NACK");
        // A packet stays lost only if its three retransmissions are all dropped too (0.1^3 each).
        Assert.True(residual <= Math.Max(2, recovered / 20), $"{residual} video packets never recovered, {recovered} recovered");
        Assert.Equal(0, engine.Sfu.Counters.Read("engine.errors"));
    }

    [Fact]
    public async Task LossFromPublisher_MakesTheSfuNack_AndThePublishersRetransmissionsReachThePlayer()
    {
        await using var engine = EngineHarness.Start();
        using var relay = new LossyUdpRelay(new IPEndPoint(IPAddress.Loopback, engine.Port), lossToSfu: 0.10, lossFromSfu: 0, seed: 11);
        var publisher = await engine.PublishAsync("nack", "pub", rewriteAnswer: engine.Via(relay.Port));
        var recorder = new RtpRecorder();
        var player = await engine.PlayAsync("nack", "player", "pub", EngineHarness.PeerOptions(recorder));

        Assert.True(await EngineHarness.WaitUntilAsync(() => recorder.Received.Count(r => r.PayloadType == Vp8 && !r.Duplicate) >= VideoPackets),
            "the player receives video");
        publisher.Peer.StopMedia();
        await EngineHarness.WaitUntilAsync(() => VideoHoles(recorder).Residual == 0, 3_000);

        var (recovered, residual) = VideoHoles(recorder);
        var published = publisher.Peer.Stats.Snapshot();
        Assert.True(relay.DroppedToSfu > 0, "the relay dropped nothing");
        Assert.True(engine.Sfu.Counters.Read("rtcp.nack.sent") > 0, "the SFU sent no NACK to the publisher");
        Assert.True(published.NacksReceived > 0, "the publisher received no NACK");
        Assert.True(published.RetransmissionsSent > 0, "the publisher retransmitted nothing");
        Assert.True(recovered > 0, "no packet the publisher lost arrived at the player late");
        Assert.True(residual <= Math.Max(2, recovered / 20), $"{residual} video packets never reached the player, {recovered} recovered");
        Assert.Equal(0, engine.Sfu.Counters.Read("engine.errors"));
    }

    /// <summary>
    /// Over the player's video sequence numbers: recovered = packets that arrived after a later one had
    /// (a gap filled by a retransmission), residual = numbers still missing between the first and the last.
    /// </summary>
    private static (int Recovered, int Residual) VideoHoles(RtpRecorder recorder)
    {
        var video = recorder.Received.Where(r => r.PayloadType == Vp8 && !r.Duplicate).ToArray();
        if (video.Length == 0) return (0, int.MaxValue);
        int recovered = 0;
        long highest = long.MinValue;
        var seen = new HashSet<long>();
        long unwrapped = 0;
        ushort previous = video[0].Sequence;
        foreach (var r in video)
        {
            unwrapped += (short)(r.Sequence - previous);
            previous = r.Sequence;
            if (unwrapped < highest) recovered++;
            highest = Math.Max(highest, unwrapped);
            seen.Add(unwrapped);
        }
        long lowest = seen.Min();
        int residual = (int)(highest - lowest + 1 - seen.Count);
        return (recovered, residual);
    }
}
