using System.Text.Json.Nodes;
using CoStream.LoadTest.Client;
using CoStream.Signaling.Auth;

namespace CoStream.Signaling.Tests.Rooms.Stage;

/// <summary>Cross-room PK on the room hub: events in both rooms, the SFU routing of the other anchor, refusals.</summary>
public sealed class PkTests : RoomTestBase
{
    private static string[] PkTrace(HubClient client) => client.RoomEvents
        .Where(e => ((string)e["kind"]!).StartsWith("pk.", StringComparison.Ordinal))
        .Select(e => $"{(string)e["kind"]!}:{(string?)e["data"]!["fromRoom"]}>{(string?)e["data"]!["toRoom"]}").ToArray();

    [Fact]
    public async Task InviteAcceptEnd_AreEventsInBothRooms_AndEachRoomReceivesTheOtherAnchor()
    {
        var anchorA = await MemberAsync("pkA", "anchorA", ParticipantRole.Anchor);
        var viewerA = await MemberAsync("pkA", "viewerA", ParticipantRole.Audience);
        var anchorB = await MemberAsync("pkB", "anchorB", ParticipantRole.Anchor);
        var viewerB = await MemberAsync("pkB", "viewerB", ParticipantRole.Audience);
        await using var mediaA = await SimPeer.PublishAsync(Server.BaseUrl, "pkA", Server.Token("pkA", "anchorA", ParticipantRole.Anchor), PublishGateTests.LightMedia);
        await using var mediaB = await SimPeer.PublishAsync(Server.BaseUrl, "pkB", Server.Token("pkB", "anchorB", ParticipantRole.Anchor), PublishGateTests.LightMedia);

        await anchorA.InvokeAsync("InvitePk", "pkB");
        var invited = await anchorB.WaitForEventAsync("pk.invited");
        Assert.Equal("anchorA", (string?)invited["data"]!["fromAnchor"]);
        var (_, pending) = await JoinAsync("pkB", "late", ParticipantRole.Audience);
        Assert.Equal("invited", (string?)pending["state"]!["pk"]!["status"]);

        await anchorB.InvokeAsync("AcceptPk", "pkA");
        var started = await viewerA.WaitForEventAsync("pk.started");
        Assert.Equal(["pkA", "pkB"], started["data"]!["rooms"]!.AsArray().Select(r => (string)r!));
        Assert.Equal(["anchorA", "anchorB"], started["data"]!["anchors"]!.AsArray().Select(r => (string)r!));
        await viewerB.WaitForEventAsync("pk.started");
        var (_, joinA) = await JoinAsync("pkA", "late", ParticipantRole.Audience);
        var pk = joinA["state"]!["pk"]!;
        Assert.Equal(("active", "pkA", "anchorA", "pkB", "anchorB"),
            ((string?)pk["status"], (string?)pk["fromRoom"], (string?)pk["fromAnchor"], (string?)pk["toRoom"], (string?)pk["toAnchor"]));

        // Each room's subscribers are offered the other room's anchor (MediaHub.Subscribe through a real SignalR client).
        var subA = await Driver.ConnectAsync(Server.BaseUrl, Server.Token("pkA", "viewerA", ParticipantRole.Audience), hubPath: "/hubs/media", events: ["offer"]);
        var offerA = (string?)await subA.InvokeAsync("Subscribe");
        Assert.Contains("a=msid:pkB~anchorB ", offerA);
        Assert.Contains("a=msid:anchorA ", offerA);
        var subB = await Driver.ConnectAsync(Server.BaseUrl, Server.Token("pkB", "viewerB", ParticipantRole.Audience), hubPath: "/hubs/media", events: ["offer"]);
        Assert.Contains("a=msid:pkA~anchorA ", (string?)await subB.InvokeAsync("Subscribe"));
        Assert.Equal(4, (await Server.Sfu.GetRoomAsync("pkA"))!.Transports.Single(t => t.Participant == "viewerA").Consumers);

        await anchorB.InvokeAsync("EndPk");
        var ended = await viewerA.WaitForEventAsync("pk.ended");
        Assert.Equal("ended", (string?)ended["data"]!["reason"]);
        Assert.Equal("anchorB", (string?)ended["actor"]);
        await viewerB.WaitForEventAsync("pk.ended");
        // Unlinked: the subscriber keeps only its own room's anchor.
        Assert.True(await PublishGateTests.WaitUntilAsync(async () =>
            (await Server.Sfu.GetRoomAsync("pkA"))!.Transports.Single(t => t.Participant == "viewerA").Consumers == 2), "room A's subscriber loses anchor B's tracks");
        var (_, after) = await JoinAsync("pkB", "later", ParticipantRole.Audience);
        Assert.Null(after["state"]!["pk"]);

        string[] expected = ["pk.invited:pkA>pkB", "pk.started:pkA>pkB", "pk.ended:pkA>pkB"];
        foreach (var m in new[] { anchorA, viewerA, anchorB, viewerB }) Assert.Equal(expected, PkTrace(m));
        // Within a room, every member saw the same sequence numbers.
        Assert.Equal(anchorA.RoomEvents.Select(e => (long)e["seq"]!), viewerA.RoomEvents.Select(e => (long)e["seq"]!));
        Assert.Equal(anchorB.RoomEvents.Select(e => (long)e["seq"]!), viewerB.RoomEvents.Select(e => (long)e["seq"]!));
    }

    [Fact]
    public async Task Refusals_DeclineAndCancel()
    {
        var anchorA = await MemberAsync("ra", "anchorA", ParticipantRole.Anchor);
        var viewerA = await MemberAsync("ra", "viewerA", ParticipantRole.Audience);
        var anchorB = await MemberAsync("rb", "anchorB", ParticipantRole.Anchor);
        var guestB = await MemberAsync("rb", "guestB", ParticipantRole.Guest);
        var anchorC = await MemberAsync("rc", "anchorC", ParticipantRole.Anchor);

        Assert.Contains("may not", await RefusedAsync(viewerA, "InvitePk", "rb"));    // audience
        Assert.Contains("may not", await RefusedAsync(guestB, "AcceptPk", "ra"));     // guest
        Assert.Contains("bad argument", await RefusedAsync(anchorA, "InvitePk", "ra")); // with oneself
        await RefusedAsync(anchorA, "InvitePk", "no such room!");
        await RefusedAsync(anchorA, "InvitePk", "empty-room");                          // no anchor there
        await RefusedAsync(anchorB, "AcceptPk", "ra");                                  // never offered
        await RefusedAsync(anchorB, "DeclinePk", "ra");
        await RefusedAsync(anchorA, "CancelPk");
        await RefusedAsync(anchorA, "EndPk");

        await anchorA.InvokeAsync("InvitePk", "rb");
        Assert.Contains("PK", await RefusedAsync(anchorC, "InvitePk", "rb"));           // B is busy
        Assert.Contains("PK", await RefusedAsync(anchorC, "InvitePk", "ra"));           // A is busy
        Assert.Contains("PK", await RefusedAsync(anchorB, "InvitePk", "rc"));
        await RefusedAsync(anchorC, "AcceptPk", "ra");                                  // offered to B, not C
        await RefusedAsync(anchorA, "AcceptPk", "rb");                                  // the inviter cannot accept
        await RefusedAsync(anchorB, "CancelPk");                                         // only the inviter cancels
        await RefusedAsync(anchorB, "EndPk");                                            // not running yet
        Assert.Equal(3, Counters.Get("hub.busy"));

        await anchorB.InvokeAsync("DeclinePk", "ra");
        Assert.Equal("pk.declined", (string?)(await anchorA.WaitForEventAsync("pk.declined"))["kind"]);
        await RefusedAsync(anchorB, "AcceptPk", "ra");                                  // declined: gone

        await anchorA.InvokeAsync("InvitePk", "rc");
        await anchorA.InvokeAsync("CancelPk");
        var cancelled = await anchorC.WaitForEventAsync("pk.cancelled");
        Assert.Equal("cancelled", (string?)cancelled["data"]!["reason"]);
        await RefusedAsync(anchorC, "AcceptPk", "ra");

        Assert.Equal(["pk.invited:ra>rb", "pk.declined:ra>rb", "pk.invited:ra>rc", "pk.cancelled:ra>rc"], PkTrace(viewerA));
        Assert.Equal(["pk.invited:ra>rb", "pk.declined:ra>rb"], PkTrace(guestB));
        Assert.Equal(["pk.invited:ra>rc", "pk.cancelled:ra>rc"], PkTrace(anchorC));
        Assert.True(Counters.Get("hub.not-found") >= 9);
    }

    [Fact]
    public async Task AnchorReconnectingWithinGrace_KeepsThePk()
    {
        var anchorA = await MemberAsync("ga", "anchorA", ParticipantRole.Anchor);
        var anchorB = await MemberAsync("gb", "anchorB", ParticipantRole.Anchor);
        await anchorA.InvokeAsync("InvitePk", "gb");
        await anchorB.InvokeAsync("AcceptPk", "ga");
        await anchorA.StopAsync();
        var (_, join) = await JoinAsync("ga", "anchorA", ParticipantRole.Anchor);
        Assert.Equal("active", (string?)join["state"]!["pk"]!["status"]);
        var viewer = await MemberAsync("gb", "viewer", ParticipantRole.Audience);
        Assert.DoesNotContain(viewer.RoomEvents, e => (string?)e["kind"] == "pk.ended");
    }
}

/// <summary>PK invitations time out; a PK whose anchor stays away past the grace ends (both 1 s here).</summary>
public sealed class PkTimeoutTests : RoomTestBase
{
    protected override string[] ServerArgs => ["--Rooms:InviteTimeoutSeconds=1", "--Rooms:ReconnectGraceSeconds=1"];

    [Fact]
    public async Task AnUnansweredInvitationExpires_InBothRooms()
    {
        var anchorA = await MemberAsync("ea", "anchorA", ParticipantRole.Anchor);
        var anchorB = await MemberAsync("eb", "anchorB", ParticipantRole.Anchor);
        await anchorA.InvokeAsync("InvitePk", "eb");
        var expired = await anchorB.WaitForEventAsync("pk.expired");
        Assert.Null(expired["actor"]);
        await anchorA.WaitForEventAsync("pk.expired");
        await RefusedAsync(anchorB, "AcceptPk", "ea");
        // Both rooms are free again.
        await anchorB.InvokeAsync("InvitePk", "ea");
    }

    [Fact]
    public async Task AnAnchorAwayPastTheGrace_EndsThePk()
    {
        var anchorA = await MemberAsync("da", "anchorA", ParticipantRole.Anchor);
        var anchorB = await MemberAsync("db", "anchorB", ParticipantRole.Anchor);
        var viewerB = await MemberAsync("db", "viewerB", ParticipantRole.Audience);
        await anchorA.InvokeAsync("InvitePk", "db");
        await anchorB.InvokeAsync("AcceptPk", "da");
        await anchorA.StopAsync();
        var ended = await viewerB.WaitForEventAsync("pk.ended");
        Assert.Equal("disconnected", (string?)ended["data"]!["reason"]);
        var (_, join) = await JoinAsync("da", "anchorA", ParticipantRole.Anchor);
        Assert.Null(join["state"]!["pk"]);
        Assert.Contains(join["replay"]!.AsArray(), e => (string?)e!["kind"] == "pk.ended");
    }
}
