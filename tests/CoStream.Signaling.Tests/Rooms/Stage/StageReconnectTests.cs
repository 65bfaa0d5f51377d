using CoStream.LoadTest.Client;
using CoStream.Signaling.Auth;

namespace CoStream.Signaling.Tests.Rooms.Stage;

/// <summary>A guest whose room-hub connections all drop keeps its place for the grace (default 15 s) and gets it back by joining again.</summary>
public sealed class StageReconnectTests : RoomTestBase
{
    [Fact]
    public async Task ReconnectWithinGrace_RestoresThePlace()
    {
        var anchor = await MemberAsync("rc", "anchor", ParticipantRole.Anchor);
        var guest = await MemberAsync("rc", "guest", ParticipantRole.Guest);
        await anchor.InvokeAsync("Invite", "guest", true);
        await guest.InvokeAsync("AcceptInvite");
        await guest.StopAsync();
        await WaitFor(anchor, "stage.disconnected", "guest");
        var (_, during) = await JoinAsync("rc", "watcher", ParticipantRole.Audience);
        var seat = during["state"]!["stage"]!["guests"]!.AsArray().Single()!;
        Assert.True((bool)seat["away"]!);

        var (back, join) = await JoinAsync("rc", "guest", ParticipantRole.Guest);
        await WaitFor(anchor, "stage.reconnected", "guest");
        seat = join["state"]!["stage"]!["guests"]!.AsArray().Single()!;
        Assert.Equal("guest", (string?)seat["participant"]);
        Assert.True((bool)seat["audioOnly"]!);
        Assert.False((bool)seat["away"]!);
        // Still on stage: it may leave (and only a guest on stage can).
        await back.InvokeAsync("LeaveStage");
        Assert.DoesNotContain(anchor.RoomEvents, e => (string?)e["kind"] == "stage.left" && (string?)e["data"]!["reason"] == "disconnected");
    }
}

/// <summary>After the grace (here 1 s) the guest leaves the stage with reason "disconnected" and its SFU publish transport closes.</summary>
public sealed class StageGraceExpiryTests : RoomTestBase
{
    protected override string[] ServerArgs => ["--Rooms:ReconnectGraceSeconds=1"];

    [Fact]
    public async Task AfterTheGrace_TheGuestLeaves_AndItsPublishTransportCloses()
    {
        var anchor = await MemberAsync("ge", "anchor", ParticipantRole.Anchor);
        var guest = await MemberAsync("ge", "guest", ParticipantRole.Guest);
        await anchor.InvokeAsync("Invite", "guest", false);
        await guest.InvokeAsync("AcceptInvite");
        await using var media = await SimPeer.PublishAsync(Server.BaseUrl, "ge", Server.Token("ge", "guest", ParticipantRole.Guest),
            PublishGateTests.LightMedia);
        Assert.Contains((await Server.Sfu.GetRoomAsync("ge"))!.Transports, t => t.Participant == "guest" && t.Producers.Length > 0);

        await guest.StopAsync();
        await WaitFor(anchor, "stage.disconnected", "guest");
        var left = await WaitFor(anchor, "stage.left", "guest");
        Assert.Equal("disconnected", (string?)left["data"]!["reason"]);
        Assert.True(await PublishGateTests.WaitUntilAsync(async () =>
            !((await Server.Sfu.GetRoomAsync("ge"))?.Transports ?? []).Any(t => t.Participant == "guest")), "the guest's publish transport closes");

        // Joining again after the grace does not restore the place.
        var (_, join) = await JoinAsync("ge", "guest", ParticipantRole.Guest);
        Assert.Empty(join["state"]!["stage"]!["guests"]!.AsArray());
    }
}
