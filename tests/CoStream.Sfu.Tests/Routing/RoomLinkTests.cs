using System.Threading.Channels;
using CoStream.LoadTest.Client;
using CoStream.Sfu.Protocols.Ice;
using CoStream.Sfu.Protocols.Sdp;
using CoStream.Sfu.Tests.Harness;

namespace CoStream.Sfu.Tests.Routing;

/// <summary>
/// Cross-room PK routing (<see cref="SfuServer.LinkRoomsAsync"/>): once two rooms are linked, each room's subscribers are
/// re-offered the other room's anchor's tracks and receive its packets; after unlinking, the m-sections are stopped and
/// the packets stop. The subscribers are SimPeers answering the SFU's offers (the browser's side of MediaHub.Subscribe).
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class RoomLinkTests
{
    [Fact]
    public async Task LinkedRooms_SubscribersReceiveTheOtherAnchor_UntilUnlinked()
    {
        await using var engine = EngineHarness.Start();
        var sentByB = new RtpRecorder();
        await engine.PublishAsync("pkA", "anchorA", EngineHarness.PeerOptions());
        var anchorB = await engine.PublishAsync("pkB", "anchorB", EngineHarness.PeerOptions(sentByB));
        var inA = new RtpRecorder();
        var inB = new RtpRecorder();
        await using var viewerA = await Subscriber.StartAsync(engine.Sfu, "pkA", "viewerA", inA);
        await using var viewerB = await Subscriber.StartAsync(engine.Sfu, "pkB", "viewerB", inB);
        Assert.Equal(["anchorA"], viewerA.Streams);
        Assert.Equal(["anchorB"], viewerB.Streams);
        Assert.True(await EngineHarness.WaitUntilAsync(() => inA.ReceivedCount > 50), "viewer A receives its own anchor");

        Assert.True(await engine.Sfu.LinkRoomsAsync("pkA", "anchorA", "pkB", "anchorB"));
        Assert.False(await engine.Sfu.LinkRoomsAsync("pkA", "anchorA", "pkB", "anchorB"));
        await viewerA.AnswerNextOfferAsync();
        await viewerB.AnswerNextOfferAsync();
        Assert.Equal(["anchorA", "pkB~anchorB"], viewerA.Streams);
        Assert.Equal(["anchorB", "pkA~anchorA"], viewerB.Streams);

        // Packets B's anchor sends reach room A's subscriber on the SSRCs the re-offer announced for them.
        var fromB = viewerA.SsrcsOf("pkB~anchorB");
        Assert.Equal(2, fromB.Count);
        Assert.True(await EngineHarness.WaitUntilAsync(() => fromB.All(ssrc => inA.UniqueReceivedCount(ssrc) >= 20)),
            "viewer A receives anchor B's audio and video");
        // What viewer A got first, then what B sent: a packet can reach the viewer before B's recorder logs its send.
        var receivedFromB = inA.Received.Where(r => fromB.Contains(r.Ssrc)).ToList();
        await Task.Delay(100);
        var sentCounters = sentByB.Sent.Select(r => r.Counter).ToHashSet();
        Assert.All(receivedFromB, r => Assert.Contains(r.Counter, sentCounters));
        var fromA = viewerB.SsrcsOf("pkA~anchorA");
        Assert.True(await EngineHarness.WaitUntilAsync(() => fromA.All(ssrc => inB.UniqueReceivedCount(ssrc) >= 20)),
            "viewer B receives anchor A's audio and video");

        Assert.True(await engine.Sfu.UnlinkRoomsAsync("pkB", "pkA"));
        await viewerA.AnswerNextOfferAsync();
        await viewerB.AnswerNextOfferAsync();
        Assert.Equal(["anchorA"], viewerA.Streams);
        Assert.Equal(["anchorB"], viewerB.Streams);
        // Once unlinked, nothing more arrives on anchor B's SSRCs while A's own anchor keeps flowing.
        await Task.Delay(200); // packets already in flight
        var afterUnlink = fromB.Sum(inA.UniqueReceivedCount);
        var ownBefore = inA.ReceivedCount;
        Assert.True(await EngineHarness.WaitUntilAsync(() => inA.ReceivedCount > ownBefore + 100), "viewer A still receives anchor A");
        Assert.Equal(afterUnlink, fromB.Sum(inA.UniqueReceivedCount));
        Assert.True(anchorB.Peer.Stats.Snapshot().PacketsSent > sentCounters.Count, "anchor B kept sending");
        Assert.False(await engine.Sfu.UnlinkRoomsAsync("pkA", "pkB"));
    }

    [Fact]
    public async Task AnchorPublishingAfterTheLink_IsOfferedToTheLinkedRoom_AndItsDepartureStopsTheTracks()
    {
        await using var engine = EngineHarness.Start();
        await engine.PublishAsync("lateA", "anchorA", EngineHarness.PeerOptions());
        var inA = new RtpRecorder();
        await using var viewerA = await Subscriber.StartAsync(engine.Sfu, "lateA", "viewerA", inA);
        Assert.True(await engine.Sfu.LinkRoomsAsync("lateA", "anchorA", "lateB", "anchorB"));

        var anchorB = await engine.PublishAsync("lateB", "anchorB", EngineHarness.PeerOptions());
        await viewerA.AnswerNextOfferAsync();
        Assert.Equal(["anchorA", "lateB~anchorB"], viewerA.Streams);
        var fromB = viewerA.SsrcsOf("lateB~anchorB");
        Assert.True(await EngineHarness.WaitUntilAsync(() => fromB.All(ssrc => inA.UniqueReceivedCount(ssrc) >= 10)),
            "viewer A receives the anchor who published after the link");

        // Another participant of room B is not part of the link.
        await engine.PublishAsync("lateB", "guestB", EngineHarness.PeerOptions());
        Assert.True(await engine.Sfu.CloseTransportAsync(anchorB.TransportId));
        await viewerA.AnswerNextOfferAsync();
        Assert.Equal(["anchorA"], viewerA.Streams);
    }

    /// <summary>A SimPeer on the SFU's offer side: subscribes, answers every (re-)offer, and remembers the live m-sections.</summary>
    private sealed class Subscriber : IAsyncDisposable
    {
        private readonly Channel<string> _offers = Channel.CreateUnbounded<string>();
        private readonly SfuServer _sfu;
        private SimPeer? _peer;
        private string _transportId = "";
        private SessionDescription? _offer;

        private Subscriber(SfuServer sfu) => _sfu = sfu;

        /// <summary>The msid stream ids of the offer's live m-sections, sorted.</summary>
        public string[] Streams => _offer!.Media.Where(m => !m.IsRejected && m.Msid is not null)
            .Select(m => m.Msid!.StreamId).Distinct().Order(StringComparer.Ordinal).ToArray();

        public IReadOnlyList<uint> SsrcsOf(string stream) => _offer!.Media
            .Where(m => !m.IsRejected && m.Msid?.StreamId == stream).SelectMany(m => m.GetSsrcNumbers()).Distinct().ToArray();

        public static async Task<Subscriber> StartAsync(SfuServer sfu, string room, string participant, RtpRecorder recorder)
        {
            var s = new Subscriber(sfu);
            var result = await sfu.SubscribeAsync(room, participant, offer => { s._offers.Writer.TryWrite(offer); return Task.CompletedTask; });
            Assert.True(result.Ok, result.Error);
            Assert.NotNull(result.Sdp);
            s._transportId = result.TransportId;
            s._peer = SimPeer.CreatePlayer(EngineHarness.PeerOptions(recorder));
            var remote = await s.AnswerAsync(result.Sdp!);
            await s._peer.ConnectAsync(remote);
            return s;
        }

        public async Task AnswerNextOfferAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await AnswerAsync(await _offers.Reader.ReadAsync(timeout.Token));
        }

        private async Task<RemotePeer> AnswerAsync(string offerSdp)
        {
            Assert.Equal(SdpError.None, SessionDescription.TryParse(offerSdp, out _offer));
            var answer = _peer!.CreateAnswer(offerSdp, out var remote);
            Assert.Null(await _sfu.AcceptAnswerAsync(_transportId, answer));
            // The SFU is ICE-lite: we are the controlling agent and check its host candidate.
            var candidates = _offer!.Media.SelectMany(m => m.Candidates).Distinct()
                .Select(c => IceCandidate.TryParse(c, out var parsed) == IceError.None ? parsed! : throw new InvalidOperationException(c)).ToArray();
            return remote with { LocalIceControlling = true, Candidates = candidates };
        }

        public async ValueTask DisposeAsync()
        {
            if (_peer is not null) await _peer.DisposeAsync();
        }
    }
}
