using System.Text.Json.Nodes;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Media;
using CoStream.Signaling.Rooms.Chat;
using CoStream.Signaling.Tests.E2E;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.Rooms;

/// <summary>Comments, likes and mutes through the real hub with real SignalR (JS) clients.</summary>
public sealed class RoomChatTests(ITestOutputHelper output) : IAsyncLifetime
{
    private CoStreamServer _server = null!;
    private SignalRDriver _driver = null!;

    public async Task InitializeAsync()
    {
        // No refill (0.001/s) makes the per-user and room budgets exact counts: burst 5 per user, 8 per room.
        _server = await CoStreamServer.StartAsync("--Rooms:Chat:CommentsPerSecond=0.001", "--Rooms:Chat:CommentBurst=5",
            "--Rooms:Chat:RoomCommentsPerSecond=0.001", "--Rooms:Chat:RoomCommentBurst=8", "--Rooms:Chat:LikeFlushMs=200");
        _driver = SignalRDriver.Start();
    }

    public async Task DisposeAsync()
    {
        await _driver.DisposeAsync();
        await _server.DisposeAsync();
    }

    private SignalingCounters Counters => _server.Services.GetRequiredService<SignalingCounters>();

    private async Task<HubClient> Joined(string room, string participant, ParticipantRole role)
    {
        var client = await _driver.ConnectAsync(_server.BaseUrl, _server.Token(room, participant, role));
        await client.InvokeAsync("Join", 0);
        return client;
    }

    [Fact]
    public async Task Comment_ReachesTheRoom_WithSenderTextAndClientId()
    {
        var anchor = await Joined("c1", "anchor-1", ParticipantRole.Anchor);
        var viewer = await Joined("c1", "viewer-1", ParticipantRole.Audience);
        var outsider = await Joined("c1x", "viewer-9", ParticipantRole.Audience);

        var result = (await viewer.InvokeAsync("Comment", "  这个多少钱？ ", "local-1"))!.AsObject();
        Assert.True((bool)result["broadcast"]!);
        Assert.Equal("这个多少钱？", (string?)result["text"]);
        var seq = (long)result["seq"]!;
        await anchor.InvokeAsync("Comment", "49 元, link pinned", null);

        foreach (var member in new[] { anchor, viewer })
        {
            var evt = await member.WaitForEventAsync(e => (long)e["seq"]! == seq);
            Assert.Equal(ChatEventKinds.Comment, (string?)evt["kind"]);
            Assert.Equal("viewer-1", (string?)evt["actor"]);
            var data = evt["data"]!.AsObject();
            Assert.Equal("viewer-1", (string?)data["sender"]);
            Assert.Equal("audience", (string?)data["role"]);
            Assert.Equal("这个多少钱？", (string?)data["text"]);
            Assert.Equal("local-1", (string?)data["clientId"]);
            var fromAnchor = await member.WaitForEventAsync(e => (string?)e["kind"] == ChatEventKinds.Comment && (string?)e["actor"] == "anchor-1");
            Assert.True((long)fromAnchor["seq"]! > seq);
            Assert.Null(fromAnchor["data"]!["clientId"]);
        }
        Assert.DoesNotContain(outsider.RoomEvents, e => (string?)e["kind"] == ChatEventKinds.Comment);
    }

    [Fact]
    public async Task Comment_RefusesBadText_AServiceAndTheMuted()
    {
        var anchor = await Joined("c2", "anchor-1", ParticipantRole.Anchor);
        var viewer = await Joined("c2", "viewer-1", ParticipantRole.Audience);
        var guest = await Joined("c2", "guest-1", ParticipantRole.Guest);
        var service = await Joined("c2", "mixer", ParticipantRole.Service);

        var refusals = new Dictionary<string, string?>
        {
            ["empty"] = await viewer.InvokeExpectingErrorAsync("Comment", "   ", null),
            ["null"] = await viewer.InvokeExpectingErrorAsync("Comment", null, null),
            ["newline"] = await viewer.InvokeExpectingErrorAsync("Comment", "a\nb", null),
            ["too long"] = await viewer.InvokeExpectingErrorAsync("Comment", new string('x', 301), null),
            ["bidi"] = await viewer.InvokeExpectingErrorAsync("Comment", "price \u202E0001", null),
            ["client id"] = await viewer.InvokeExpectingErrorAsync("Comment", "ok", "has space"),
            ["service"] = await service.InvokeExpectingErrorAsync("Comment", "beep", null),
            ["guest mutes"] = await guest.InvokeExpectingErrorAsync("MuteUser", "viewer-1", 60),
            ["mute self"] = await anchor.InvokeExpectingErrorAsync("MuteUser", "anchor-1", 60),
            ["mute 0 s"] = await anchor.InvokeExpectingErrorAsync("MuteUser", "viewer-1", 0),
            ["mute bad id"] = await anchor.InvokeExpectingErrorAsync("MuteUser", "no spaces please", 60),
        };
        foreach (var (name, error) in refusals) output.WriteLine($"{name}: {error}");
        Assert.All(refusals.Values, Assert.NotNull);
        Assert.Contains("at most 300", refusals["too long"]);
        Assert.Contains("control", refusals["newline"]);
        Assert.Contains("service", refusals["service"]);
        Assert.Contains("anchor", refusals["guest mutes"]);

        await anchor.InvokeAsync("MuteUser", "viewer-1", 600);
        var muted = await viewer.WaitForEventAsync(ChatEventKinds.Muted);
        Assert.Equal("viewer-1", (string?)muted["data"]!["participant"]);
        Assert.Equal((long)muted["mediaClockMs"]! + 600_000, (long)muted["data"]!["untilMs"]!);
        var mutedError = await viewer.InvokeExpectingErrorAsync("Comment", "let me talk", null);
        Assert.Contains("muted", mutedError);
        Assert.Null(await guest.InvokeExpectingErrorAsync("Comment", "I still can", null));

        // The muted member learns it from Join's state too; the anchor sees the room's mutes.
        var rejoin = (await viewer.InvokeAsync("Join", 0))!.AsObject();
        Assert.NotNull(rejoin["state"]!["chat"]!["mutedUntilMs"]);
        var anchorJoin = (await anchor.InvokeAsync("Join", 0))!.AsObject();
        Assert.NotNull(anchorJoin["state"]!["chat"]!["muted"]!["viewer-1"]);

        Assert.True((bool)(await anchor.InvokeAsync("UnmuteUser", "viewer-1"))!);
        Assert.False((bool)(await anchor.InvokeAsync("UnmuteUser", "viewer-1"))!);
        await viewer.WaitForEventAsync(ChatEventKinds.Unmuted);
        Assert.Null(await viewer.InvokeExpectingErrorAsync("Comment", "thanks", null));
        Assert.True(Counters.Get("hub.muted") >= 1 && Counters.Get("hub.role") >= 2 && Counters.Get("hub.argument") >= 8,
            string.Join(", ", Counters.Snapshot()));
    }

    [Fact]
    public async Task PerUserLimit_RefusesBeyondTheBurst_OthersUnaffected()
    {
        var a = await Joined("c3", "viewer-a", ParticipantRole.Audience);
        var b = await Joined("c3", "viewer-b", ParticipantRole.Audience);
        var results = new List<string?>();
        for (var i = 0; i < 8; i++) results.Add(await a.InvokeExpectingErrorAsync("Comment", $"spam {i}", null));
        output.WriteLine(string.Join(" | ", results));
        Assert.Equal(5, results.Count(r => r is null));
        Assert.All(results.Skip(5), r => Assert.Contains("too many comments", r));
        Assert.Null(await b.InvokeExpectingErrorAsync("Comment", "hello", null));
        Assert.True(Counters.Get("hub.rateLimited") >= 3);
    }

    [Fact]
    public async Task RoomFlood_IsAcknowledged_ButSampledOutOfTheBroadcast_AndCounted()
    {
        var anchor = await Joined("c4", "anchor-1", ParticipantRole.Anchor);
        var watcher = await Joined("c4", "watcher", ParticipantRole.Audience);
        var senders = new List<HubClient>();
        for (var i = 0; i < 4; i++) senders.Add(await Joined("c4", $"fan-{i}", ParticipantRole.Audience));

        // 4 fans × 3 comments = 12 offered to a room budget of 8 (no refill): 8 broadcast, 4 acknowledged but sampled out.
        var replies = await Task.WhenAll(senders.Select(async s =>
        {
            var list = new List<JsonObject>();
            for (var i = 0; i < 3; i++) list.Add((await s.InvokeAsync("Comment", $"{s.Id} #{i}", $"{s.Id}-{i}"))!.AsObject());
            return list;
        }));
        var all = replies.SelectMany(r => r).ToList();
        Assert.Equal(8, all.Count(r => (bool)r["broadcast"]!));
        Assert.All(all.Where(r => !(bool)r["broadcast"]!), r => Assert.Null(r["seq"]));
        // The anchor is never sampled out, even with the room's budget spent.
        var fromAnchor = (await anchor.InvokeAsync("Comment", "welcome everyone", null))!.AsObject();
        Assert.True((bool)fromAnchor["broadcast"]!);

        await watcher.WaitForEventAsync(e => (long)e["seq"]! == (long)fromAnchor["seq"]!);
        var comments = watcher.RoomEvents.Where(e => (string?)e["kind"] == ChatEventKinds.Comment).ToList();
        Assert.Equal(9, comments.Count);
        Assert.Equal(4, _server.Services.GetRequiredService<RoomChat>().SampledOut("c4"));
        Assert.True(Counters.Get("chat.sampledOut") >= 4);
    }

    [Fact]
    public async Task Likes_AreSummedIntoFewEvents_WithARunningTotal()
    {
        var anchor = await Joined("c5", "anchor-1", ParticipantRole.Anchor);
        var fans = new List<HubClient>();
        for (var i = 0; i < 3; i++) fans.Add(await Joined("c5", $"fan-{i}", ParticipantRole.Audience));
        var calls = 0;
        long expected = 0;
        await Task.WhenAll(fans.Select(async (f, i) =>
        {
            for (var k = 0; k < 8; k++)
            {
                var count = 1 + (i * 8 + k) % 50;
                await f.InvokeAsync("Like", count);
                Interlocked.Add(ref expected, count);
                Interlocked.Increment(ref calls);
            }
        }));
        var last = await anchor.WaitForEventAsync(e => (string?)e["kind"] == ChatEventKinds.Likes && (long)e["data"]!["total"]! == expected);
        var likes = anchor.RoomEvents.Where(e => (string?)e["kind"] == ChatEventKinds.Likes).ToList();
        output.WriteLine($"{calls} Like calls → {likes.Count} likes events; total {last["data"]!["total"]}");
        Assert.True(likes.Count < calls, "likes were not aggregated");
        Assert.Equal(expected, likes.Sum(e => (long)e["data"]!["delta"]!));
        var totals = likes.Select(e => (long)e["data"]!["total"]!).ToList();
        Assert.Equal(totals.Order(), totals);

        Assert.Contains("1-50", await fans[0].InvokeExpectingErrorAsync("Like", 0));
        Assert.Contains("1-50", await fans[0].InvokeExpectingErrorAsync("Like", 51));
        var late = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("c5", "late", ParticipantRole.Audience));
        var join = (await late.InvokeAsync("Join", 0))!.AsObject();
        Assert.Equal(expected, (long)join["state"]!["chat"]!["likesTotal"]!);
    }
}
