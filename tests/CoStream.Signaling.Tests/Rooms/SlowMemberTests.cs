using System.Net.WebSockets;
using System.Text;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Media;
using CoStream.Signaling.Rooms;
using CoStream.Signaling.Tests.E2E;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.Rooms;

/// <summary>A member that stops reading must not hold up the room: it is cut off, counted, and the rest get every event in order.</summary>
public sealed class SlowMemberTests(ITestOutputHelper output) : IAsyncLifetime
{
    private CoStreamServer _server = null!;
    private SignalRDriver _driver = null!;

    public async Task InitializeAsync()
    {
        _server = await CoStreamServer.StartAsync("--Rooms:Events:SlowClientMs=1000");
        _driver = SignalRDriver.Start();
    }

    public async Task DisposeAsync()
    {
        await _driver.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task MemberThatStopsReading_IsCutOff_WhileTheRoomGoesOn()
    {
        var viewer = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("s1", "viewer-1", ParticipantRole.Audience));
        await viewer.InvokeAsync("Join", 0);

        // A raw SignalR JSON client that joins and then never reads again (a frozen tab, or a hostile member).
        using var stalled = new ClientWebSocket();
        var url = _server.BaseUrl.Replace("http://", "ws://").TrimEnd('/') + RoomHub.Path + "?access_token="
            + Uri.EscapeDataString(_server.Token("s1", "frozen", ParticipantRole.Audience));
        await stalled.ConnectAsync(new Uri(url), CancellationToken.None);
        await Send(stalled, "{\"protocol\":\"json\",\"version\":1}\u001e");
        await Send(stalled, "{\"type\":1,\"invocationId\":\"1\",\"target\":\"Join\",\"arguments\":[0]}\u001e");
        var seen = new StringBuilder();
        var buffer = new byte[64 * 1024];
        while (!seen.ToString().Contains("\"invocationId\":\"1\""))
        {
            var r = await stalled.ReceiveAsync(buffer, CancellationToken.None);
            seen.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
        }

        // Big events until the stalled member's socket and SignalR's pipe are full and its write has been blocked for
        // SlowClientMs (at most 2,000 × 64 KiB); the reading member must get every one, in order.
        var log = _server.Services.GetRequiredService<RoomEvents>().Get("s1");
        var counters = _server.Services.GetRequiredService<SignalingCounters>();
        var blob = new string('x', 64 * 1024);
        var count = 0;
        while (counters.Get("room.eventsNotDeliveredToAll") == 0 && count < 2000)
        {
            for (var i = 0; i < 50; i++, count++)
                lock (log.Gate) log.Append("test.big", null, new { i = count, blob });
            await viewer.WaitForEventAsync(e => (long)e["seq"]! == count, TimeSpan.FromSeconds(60));
        }
        output.WriteLine($"{count} events of 64 KiB; " + string.Join(", ", counters.Snapshot()));
        Assert.True(counters.Get("room.eventsNotDeliveredToAll") >= 1);
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), viewer.RoomEvents.Select(e => (long)e["seq"]!));

        // Reading again, the stalled member gets what was buffered for it, and then either its connection ends or it
        // idles: what its blocked writes held was dropped for it (a gap in seq, which a client closes with Join(afterSeq)).
        long read = 0;
        var ended = false;
        try
        {
            while (true)
            {
                using var idle = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var r = await stalled.ReceiveAsync(buffer, idle.Token);
                read += r.Count;
                if (r.MessageType == WebSocketMessageType.Close) { ended = true; break; }
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException) { ended = true; }
        output.WriteLine($"stalled member read {read} bytes; connection {(ended ? "ended" : "still open")}");
        Assert.True(read < (long)count * blob.Length, "the stalled member was sent everything: nothing was cut");
    }

    private static Task Send(ClientWebSocket ws, string text) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
}
