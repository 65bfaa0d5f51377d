using CoStream.Signaling.Auth;
using CoStream.Signaling.Media;
using CoStream.Signaling.Rooms;
using CoStream.Signaling.Tests.E2E;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.Rooms;

/// <summary>Hostile input to the hubs: unknown methods, wrong arguments, malformed and oversized frames, floods.</summary>
public sealed class HubGuardTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const char RecordSeparator = '\u001e';
    private const string Handshake = "{\"protocol\":\"json\",\"version\":1}\u001e";
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

    private SignalingCounters Counters => _server.Services.GetRequiredService<SignalingCounters>();

    private string WsUrl(string token, string hub = RoomHub.Path) =>
        _server.BaseUrl.Replace("http://", "ws://").TrimEnd('/') + hub + "?access_token=" + Uri.EscapeDataString(token);

    [Fact]
    public async Task UnknownMethodAndWrongArguments_GetAClearError_AndTheConnectionLives()
    {
        var client = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("g1", "viewer-1", ParticipantRole.Audience));
        var errors = new Dictionary<string, string?>
        {
            ["unknown"] = await client.InvokeExpectingErrorAsync("DropTheDatabase"),
            ["too many"] = await client.InvokeExpectingErrorAsync("Comment", "a", "b", "c"),
            ["too few"] = await client.InvokeExpectingErrorAsync("Like"),
            ["wrong type"] = await client.InvokeExpectingErrorAsync("Like", "lots"),
            ["object for a number"] = await client.InvokeExpectingErrorAsync("Join", new { evil = true }),
        };
        foreach (var (name, e) in errors) output.WriteLine($"{name}: {e}");
        Assert.Contains("unknown method 'DropTheDatabase'", errors["unknown"]);
        Assert.Contains("wrong arguments for 'Comment': it takes (string, string)", errors["too many"]);
        Assert.Contains("wrong arguments for 'Like': it takes (int)", errors["wrong type"]);
        Assert.All(errors.Values, e => Assert.DoesNotContain("   at ", e));   // no stack trace
        Assert.Equal(1, Counters.Get("hub.unknownMethod"));
        Assert.Equal(4, Counters.Get("hub.badArguments"));
        // Still connected and served.
        Assert.NotNull(await client.InvokeAsync("Clock"));
        Assert.True(Counters.Get("hub.invoke.Clock") >= 1);

        // The media hub has the same guard.
        var media = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("g1", "viewer-2", ParticipantRole.Audience), hubPath: "/hubs/media");
        Assert.Contains("unknown method", await media.InvokeExpectingErrorAsync("Comment", "hi", null));
        Assert.Equal(2, Counters.Get("hub.unknownMethod"));
    }

    [Fact]
    public async Task MalformedFrames_CloseOnlyThatConnection_WithAReason_AndAreCounted()
    {
        var token = _server.Token("g2", "mallory", ParticipantRole.Audience);
        var frames = new[]
        {
            "{\"type\":1,\"target\":\"Join\",\"arguments\":[0" + RecordSeparator,          // truncated JSON
            "not json at all" + RecordSeparator,
            "{\"target\":\"Join\",\"arguments\":[0]}" + RecordSeparator,                    // no type
            "[1,2,3]" + RecordSeparator,
            "{\"type\":99,\"target\":\"Join\"}" + RecordSeparator,                          // unknown message type
        };
        var bystander = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("g2", "viewer-1", ParticipantRole.Audience));
        await bystander.InvokeAsync("Join", 0);
        foreach (var frame in frames)
        {
            var (received, closed) = await _driver.RawAsync(WsUrl(token), [Handshake, frame], waitMs: 3000);
            output.WriteLine($"{frame.TrimEnd(RecordSeparator)} → closed={closed}: {string.Join(" | ", received)}");
            Assert.True(closed);
            Assert.Contains(received, r => r.Contains("\"type\":7") && r.Contains("malformed message"));
        }
        Assert.Equal(frames.Length, Counters.Get("hub.malformed"));

        Assert.NotNull(await bystander.InvokeAsync("Comment", "still here", null));
    }

    [Fact]
    public async Task OversizedMessage_IsRefusedWithTheLimit_AndCounted()
    {
        var token = _server.Token("g3", "mallory", ParticipantRole.Audience);
        var huge = "{\"type\":1,\"invocationId\":\"1\",\"target\":\"Comment\",\"arguments\":[\"" + new string('x', 200 * 1024) + "\",null]}" + RecordSeparator;
        var (received, closed) = await _driver.RawAsync(WsUrl(token), [Handshake, huge], waitMs: 3000);
        output.WriteLine(string.Join(" | ", received.Select(r => r.Length > 300 ? r[..300] : r)));
        Assert.True(closed);
        Assert.Contains(received, r => r.Contains("message larger than 131072 bytes"));
        Assert.Equal(1, Counters.Get("hub.oversized"));

        // Through the official client too: its invocation fails and its connection closes with the reason.
        var client = await _driver.ConnectAsync(_server.BaseUrl, token);
        Assert.NotNull(await client.InvokeExpectingErrorAsync("Comment", new string('y', 140 * 1024), null));
        var why = await client.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        output.WriteLine("closed: " + why);
        Assert.Contains("larger than", why);
        Assert.Equal(2, Counters.Get("hub.oversized"));
    }

    [Fact]
    public async Task Flood_IsRefusedThenClosed_WhileAnotherRoomKeepsItsOrder()
    {
        var flooder = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("g4", "mallory", ParticipantRole.Audience));
        var anchor = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("g5", "anchor-1", ParticipantRole.Anchor));
        var viewer = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("g5", "viewer-1", ParticipantRole.Audience));
        await anchor.InvokeAsync("Join", 0);
        await viewer.InvokeAsync("Join", 0);

        var log = _server.Services.GetRequiredService<RoomEvents>().Get("g5");
        const int events = 400;
        var appending = Task.Run(async () =>
        {
            for (var i = 0; i < events; i++)
            {
                lock (log.Gate) log.Append("test.tick", "anchor-1", new { i });
                if (i % 20 == 0) await Task.Delay(5);
            }
        });
        // 3,000 calls as fast as one client can send them: 60 pass (the burst), the rest are refused until the close.
        var invokes = Enumerable.Range(0, 100).Select(_ => flooder.InvokeExpectingErrorAsync("Clock")).ToList();
        for (var i = 0; i < 2900; i++) await flooder.SendAsync("Clock");
        var errors = await Task.WhenAll(invokes);
        var why = await flooder.Closed.WaitAsync(TimeSpan.FromSeconds(20));
        await appending;

        output.WriteLine($"flooder closed: {why}; {string.Join(", ", Counters.Snapshot().Where(c => c.Key.StartsWith("hub.")))}");
        Assert.Contains(errors, e => e is not null && e.Contains("rate limited"));
        Assert.True(Counters.Get("hub.rateLimited") >= 100);
        Assert.Equal(1, Counters.Get("hub.closedForAbuse"));

        await viewer.WaitForEventAsync(e => (long)e["seq"]! == events);
        Assert.Equal(Enumerable.Range(1, events).Select(i => (long)i), viewer.RoomEvents.Select(e => (long)e["seq"]!));
        // The server still takes new connections and calls.
        var after = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("g4", "viewer-2", ParticipantRole.Audience));
        Assert.NotNull(await after.InvokeAsync("Clock"));
    }
}
