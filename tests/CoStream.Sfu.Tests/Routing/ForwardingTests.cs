using CoStream.Sfu.Tests.Harness;

namespace CoStream.Sfu.Tests.Routing;

/// <summary>
/// Producer → Consumer end to end (RFC 3550 §5.1 / RFC 7667 §3.7 media switching): what one publisher
/// sends reaches every player on the player's own SSRC, with sequence numbers and timestamps rewritten
/// by a constant offset (so continuous and monotonic) and the payload untouched.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class ForwardingTests
{
    private const int Players = 3;
    private const int VideoPacketsPerPlayer = 500;

    [Fact]
    public async Task EveryPlayer_ReceivesEveryPacket_OnItsOwnSsrc_WithContinuousNumbers_AndIdenticalPayload()
    {
        await using var engine = EngineHarness.Start();
        var sent = new RtpRecorder();
        var publisher = await engine.PublishAsync("fwd", "pub", EngineHarness.PeerOptions(sent, startMedia: false));
        var recorders = Enumerable.Range(0, Players).Select(_ => new RtpRecorder()).ToArray();
        var players = new EnginePeer[Players];
        for (int i = 0; i < Players; i++)
        {
            players[i] = await engine.PlayAsync("fwd", $"player{i}", "pub", EngineHarness.PeerOptions(recorders[i]));
        }

        publisher.Peer.StartMedia();
        uint videoIn = publisher.Peer.VideoSsrc;
        Assert.True(await EngineHarness.WaitUntilAsync(() => recorders.All(r => r.Received.Count(p => p.PayloadType == 96) >= VideoPacketsPerPlayer)),
            "every player receives video");
        publisher.Peer.StopMedia();

        RtpRecord[] firstSends = sent.Sent.GroupBy(s => s.Counter).Select(g => g.First()).ToArray();
        var byCounter = firstSends.ToDictionary(s => s.Counter);
        // Wait (generously) until every player has every packet sent after its first one (NACK may still be filling gaps).
        Assert.True(await EngineHarness.WaitUntilAsync(() => recorders.All(r => Missing(r, firstSends, byCounter).Count == 0), 5_000),
            "players miss packets: " + string.Join(", ", recorders.Select(r => Missing(r, firstSends, byCounter).Count)));

        var allOutSsrcs = new HashSet<uint>();
        for (int i = 0; i < Players; i++)
        {
            RtpRecord[] received = recorders[i].Received.Where(r => !r.Duplicate).ToArray();
            var outSsrcs = received.Select(r => r.Ssrc).Distinct().Order().ToArray();
            Assert.Equal(players[i].AnsweredSsrcs.Order().ToArray(), outSsrcs);
            Assert.Equal(2, outSsrcs.Length); // audio + video
            foreach (uint ssrc in outSsrcs)
            {
                Assert.True(allOutSsrcs.Add(ssrc), $"SSRC {ssrc} is used for two players");
                Assert.NotEqual(publisher.Peer.VideoSsrc, ssrc);
                Assert.NotEqual(publisher.Peer.AudioSsrc, ssrc);
                AssertStreamMapsByConstantOffset(received.Where(r => r.Ssrc == ssrc).ToArray(), byCounter);
            }

            // Video starts on a keyframe: the first video packet forwarded carries a VP8 keyframe header (RFC 7741 §4.3, RFC 6386 §9.1).
            RtpRecord firstVideo = received.Where(r => byCounter[r.Counter].Ssrc == videoIn).MinBy(r => r.Counter)!;
            Assert.True(Protocols.Codecs.Vp8PayloadDescriptor.IsKeyFrame(firstVideo.Payload), $"player {i}: first video packet is not a keyframe");
        }
    }

    /// <summary>
    /// For one outgoing SSRC: every packet maps to one incoming SSRC, its payload, payload type and marker are
    /// the sent ones, and sequence number and timestamp differ from the sent ones by one constant each
    /// (mod 2^16 / 2^32) — so the output has no gaps the input did not have, and timestamps never go back.
    /// </summary>
    private static void AssertStreamMapsByConstantOffset(RtpRecord[] received, Dictionary<long, RtpRecord> byCounter)
    {
        RtpRecord first = received[0];
        RtpRecord firstSent = byCounter[first.Counter];
        ushort sequenceOffset = (ushort)(first.Sequence - firstSent.Sequence);
        uint timestampOffset = first.Timestamp - firstSent.Timestamp;
        foreach (RtpRecord r in received)
        {
            Assert.True(byCounter.TryGetValue(r.Counter, out RtpRecord? s), $"received a packet that was never sent (counter {r.Counter})");
            Assert.Equal(firstSent.Ssrc, s!.Ssrc);
            Assert.Equal(s.Payload, r.Payload);
            Assert.Equal(s.PayloadType, r.PayloadType);
            Assert.Equal(s.Marker, r.Marker);
            Assert.Equal(sequenceOffset, (ushort)(r.Sequence - s.Sequence));
            Assert.Equal(timestampOffset, r.Timestamp - s.Timestamp);
        }

        // In sequence order: consecutive numbers, timestamps not decreasing (serial arithmetic).
        var ordered = received.OrderBy(r => r.Counter).ToArray();
        for (int k = 1; k < ordered.Length; k++)
        {
            Assert.Equal((ushort)(ordered[k - 1].Sequence + 1), ordered[k].Sequence);
            Assert.True((int)(ordered[k].Timestamp - ordered[k - 1].Timestamp) >= 0, "timestamp went back");
        }
    }

    /// <summary>Sent packets (of the SSRCs this player receives) after its first received one that it does not have.</summary>
    private static List<long> Missing(RtpRecorder recorder, RtpRecord[] firstSends, Dictionary<long, RtpRecord> byCounter)
    {
        var received = recorder.Received;
        var missing = new List<long>();
        var have = received.Select(r => r.Counter).ToHashSet();
        foreach (var group in received.Where(r => byCounter.ContainsKey(r.Counter)).GroupBy(r => byCounter[r.Counter].Ssrc))
        {
            long from = group.Min(r => r.Counter);
            missing.AddRange(firstSends.Where(s => s.Ssrc == group.Key && s.Counter >= from && !have.Contains(s.Counter)).Select(s => s.Counter));
        }
        return missing;
    }
}
