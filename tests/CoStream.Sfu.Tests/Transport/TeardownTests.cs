using CoStream.Sfu.Tests.Harness;

namespace CoStream.Sfu.Tests.Transport;

/// <summary>
/// How transports end (WebRtcTransport.Close): closed by the server (CloseTransportAsync, as WHEP DELETE does),
/// by the peer (DTLS close_notify, RFC 5246 §7.2.1), or by consent expiry when a peer just vanishes
/// (RFC 7675 §5.1) — and what goes with them: a player's consumer, a publisher's producers and its players' consumers.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class TeardownTests
{
    private const int ConsentTimeoutMs = 2000;

    [Fact]
    public async Task ClosedPlayers_LoseTheirConsumers_AndAVanishedPublisher_IsRemovedAtConsentExpiry_WithItsPlayersConsumers()
    {
        await using var engine = EngineHarness.Start(new SfuOptions { ConsentTimeoutMs = ConsentTimeoutMs });
        // Live peers refresh consent every ~500 ms, well inside the 2 s timeout.
        var publisher = await engine.PublishAsync("bye", "pub", EngineHarness.PeerOptions(consentIntervalMs: 500));
        var closedByServer = await engine.PlayAsync("bye", "p1", "pub", EngineHarness.PeerOptions(consentIntervalMs: 500));
        var closedByPeer = await engine.PlayAsync("bye", "p2", "pub", EngineHarness.PeerOptions(consentIntervalMs: 500));
        var watcher = await engine.PlayAsync("bye", "p3", "pub", EngineHarness.PeerOptions(consentIntervalMs: 500));
        Assert.True(await EngineHarness.WaitUntilAsync(() => watcher.Peer.Stats.Snapshot().PacketsReceived > 100));
        var room = await engine.Sfu.GetRoomAsync("bye");
        Assert.Equal(4, room!.Transports.Length);
        Assert.All(room.Transports.Where(t => t.Participant != "pub"), t => Assert.Equal(2, t.Consumers));

        // Server side close: the transport and its consumers go at once.
        Assert.True(await engine.Sfu.CloseTransportAsync(closedByServer.TransportId));
        Assert.Null(await engine.FindTransportAsync("bye", closedByServer.TransportId));
        Assert.False(await engine.Sfu.CloseTransportAsync(closedByServer.TransportId));

        // Peer side close: SimPeer sends close_notify on dispose.
        await closedByPeer.Peer.DisposeAsync();
        Assert.True(await EngineHarness.WaitUntilAsync(async () => await engine.FindTransportAsync("bye", closedByPeer.TransportId) is null),
            "the transport of a player that sent close_notify is still there");

        // The watcher is unaffected, and nobody expired so far.
        long received = watcher.Peer.Stats.Snapshot().PacketsReceived;
        Assert.True(await EngineHarness.WaitUntilAsync(() => watcher.Peer.Stats.Snapshot().PacketsReceived > received + 50));
        Assert.Equal(2, (await engine.FindTransportAsync("bye", watcher.TransportId))!.Consumers);
        Assert.Equal(0, engine.Sfu.Counters.Read("ice.consent.expired"));

        // The publisher vanishes: no close_notify, no more checks. Consent expiry removes it and its producers.
        publisher.Peer.Vanish();
        Assert.True(await EngineHarness.WaitUntilAsync(async () => await engine.FindTransportAsync("bye", publisher.TransportId) is null, 4 * ConsentTimeoutMs + 5_000),
            "the vanished publisher is still in the room");
        Assert.Equal(1, engine.Sfu.Counters.Read("ice.consent.expired"));
        var watcherAfter = await engine.FindTransportAsync("bye", watcher.TransportId);
        Assert.NotNull(watcherAfter); // its own consent is fresh: it stays, with nothing to receive
        Assert.Equal(0, watcherAfter!.Consumers);
        Assert.Equal("Connected", watcherAfter.State);
        Assert.Equal(0, engine.Sfu.Counters.Read("engine.errors"));
    }
}
