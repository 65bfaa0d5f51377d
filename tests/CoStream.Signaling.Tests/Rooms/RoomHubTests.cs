using System.Text.Json.Nodes;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Rooms;
using CoStream.Signaling.Tests.E2E;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.Rooms;

/// <summary>The room hub's core: token checks on connect, Join's clock and replay, ordered delivery of the event log.</summary>
public sealed class RoomHubTests(ITestOutputHelper output) : IAsyncLifetime
{
    private CoStreamServer _server = null!;
    private SignalRDriver _driver = null!;

    public async Task InitializeAsync()
    {
        _server = await CoStreamServer.StartAsync();
        _driver = SignalRDriver.Start();
    }

    public async Task DisposeAsync()
    {
        await _driver.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Connect_RefusesForgedExpiredAndMissingTokens()
    {
        var good = _server.Token("r1", "viewer-1", ParticipantRole.Audience);
        var forged = good[..^3] + (good.EndsWith("AAA") ? "BBB" : "AAA");
        var expired = _server.Tokens.Issue("r1", "viewer-1", ParticipantRole.Audience, TimeSpan.FromSeconds(-5));
        foreach (var (name, token) in new[] { ("forged", forged), ("expired", expired), ("garbage", "not-a-token"), ("empty", "") })
        {
            var client = await TryConnect(token);
            if (client is null) continue;
            // SignalR completes the handshake before OnConnectedAsync aborts; the connection must close at once.
            var closed = await client.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            output.WriteLine($"{name}: closed ({closed})");
        }
        var counters = _server.Services.GetRequiredService<CoStream.Signaling.Media.SignalingCounters>();
        output.WriteLine(string.Join(", ", counters.Snapshot()));
        Assert.True(counters.Get("token.BadSignature") >= 1);
        Assert.True(counters.Get("token.Expired") >= 1);
        Assert.True(counters.Get("token.Malformed") + counters.Get("token.Missing") >= 2);

        var ok = await _driver.ConnectAsync(_server.BaseUrl, good);
        var join = await ok.InvokeAsync("Join", 0);
        Assert.Equal("r1", (string?)join!["room"]);
        Assert.Equal("audience", (string?)join["role"]);
    }

    [Fact]
    public async Task Events_ArriveInOrder_AndALateJoinerReplaysThem()
    {
        var anchor = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("r2", "anchor-1", ParticipantRole.Anchor));
        var viewer = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("r2", "viewer-1", ParticipantRole.Audience));
        var other = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("r3", "viewer-9", ParticipantRole.Audience));
        await anchor.InvokeAsync("Join", 0);
        await viewer.InvokeAsync("Join", 0);
        await other.InvokeAsync("Join", 0);

        var events = _server.Services.GetRequiredService<RoomEvents>();
        var log = events.Get("r2");
        const int count = 300;
        // Appended from many threads: the sequence, the media clock and delivery order must agree.
        await Parallel.ForAsync(0, count, (i, _) =>
        {
            lock (log.Gate) log.Append("test.tick", "anchor-1", new { i });
            return ValueTask.CompletedTask;
        });

        foreach (var client in new[] { anchor, viewer })
        {
            await client.WaitForEventAsync(e => (long)e["seq"]! == count);
            var got = client.RoomEvents;
            Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), got.Select(e => (long)e["seq"]!));
            var stamps = got.Select(e => (long)e["mediaClockMs"]!).ToList();
            Assert.True(stamps.Zip(stamps.Skip(1)).All(p => p.First <= p.Second), "media clock went back");
            Assert.All(got, e => Assert.Equal("r2", (string?)e["room"]));
        }
        Assert.Empty(other.RoomEvents);

        // A late joiner gets everything kept after the sequence it names.
        var late = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("r2", "viewer-2", ParticipantRole.Audience));
        var join = (await late.InvokeAsync("Join", 250))!.AsObject();
        var replay = join["replay"]!.AsArray();
        Assert.True((bool)join["replayComplete"]!);
        Assert.Equal(Enumerable.Range(251, 50).Select(i => (long)i), replay.Select(e => (long)e!["seq"]!));
        Assert.Equal(count, (long)join["lastSeq"]!);
        Assert.True((long)join["mediaClockMs"]! >= (long)replay[^1]!["mediaClockMs"]!);
    }

    [Fact]
    public async Task Join_TellsWhenTheReplayNoLongerReachesBack()
    {
        var log = _server.Services.GetRequiredService<RoomEvents>().Get("r4");
        for (var i = 0; i < RoomEventLog.Capacity + 10; i++)
            lock (log.Gate) log.Append("test.tick", null, new { i });
        var client = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("r4", "v", ParticipantRole.Audience));
        var join = (await client.InvokeAsync("Join", 0))!.AsObject();
        Assert.False((bool)join["replayComplete"]!);
        Assert.Equal(RoomEventLog.Capacity, join["replay"]!.AsArray().Count);
        Assert.Equal(11L, (long)join["replay"]![0]!["seq"]!);
        Assert.NotNull(await client.InvokeExpectingErrorAsync("Join", -1));
    }

    private async Task<HubClient?> TryConnect(string token)
    {
        try { return await _driver.ConnectAsync(_server.BaseUrl, token); }
        catch (HubConnectFailedException e)
        {
            output.WriteLine("refused: " + e.Message);
            return null;
        }
    }
}
