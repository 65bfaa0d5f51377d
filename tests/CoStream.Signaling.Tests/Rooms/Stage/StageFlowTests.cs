using System.Text.Json.Nodes;
using CoStream.Signaling.Auth;

namespace CoStream.Signaling.Tests.Rooms.Stage;

/// <summary>Co-streaming flows on the room hub with real SignalR clients: every transition, in the same order at every member.</summary>
public sealed class StageFlowTests : RoomTestBase
{
    [Fact]
    public async Task EveryTransition_IsAnEvent_InTheSameOrderAtEveryMember()
    {
        var anchor = await MemberAsync("s1", "anchor", ParticipantRole.Anchor);
        var v1 = await MemberAsync("s1", "v1", ParticipantRole.Audience);
        var v2 = await MemberAsync("s1", "v2", ParticipantRole.Audience);
        var g = await MemberAsync("s1", "g", ParticipantRole.Guest);

        await v1.InvokeAsync("RequestToJoin", false);
        await WaitFor(anchor, "stage.requested", "v1");
        await anchor.InvokeAsync("AcceptRequest", "v1");
        await g.InvokeAsync("RequestToJoin", true);
        await anchor.InvokeAsync("DeclineRequest", "g");
        await v2.InvokeAsync("RequestToJoin", false);
        await v2.InvokeAsync("CancelRequest");
        await anchor.InvokeAsync("Invite", "v2", true);
        await v2.InvokeAsync("DeclineInvite");
        await anchor.InvokeAsync("Invite", "g", false);
        await anchor.InvokeAsync("CancelInvite", "g");
        await anchor.InvokeAsync("Invite", "g", true);
        await g.InvokeAsync("AcceptInvite");

        // A late joiner's state shows the stage as it stands.
        var (late, join) = await JoinAsync("s1", "late", ParticipantRole.Audience);
        var stage = join["state"]!["stage"]!;
        Assert.True((bool)stage["anchorPresent"]!);
        Assert.Equal(["anchor"], stage["anchors"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(["g:True", "v1:False"], stage["guests"]!.AsArray().Select(x => $"{(string)x!["participant"]!}:{(bool)x["audioOnly"]!}"));
        Assert.Empty(stage["requests"]!.AsArray());
        Assert.Empty(stage["invites"]!.AsArray());
        Assert.Equal(2L, (long)stage["joins"]!["attempts"]!);

        await anchor.InvokeAsync("RemoveGuest", "v1");
        await g.InvokeAsync("LeaveStage");
        var members = new[] { anchor, v1, v2, g };
        foreach (var m in members) await WaitFor(m, "stage.left", "g");

        string[] expected =
        [
            "stage.requested:v1", "stage.joined:v1", "stage.requested:g", "stage.requestDeclined:g",
            "stage.requested:v2", "stage.requestCancelled:v2", "stage.invited:v2", "stage.inviteDeclined:v2",
            "stage.invited:g", "stage.inviteCancelled:g", "stage.invited:g", "stage.joined:g", "stage.left:v1", "stage.left:g",
        ];
        var reference = Trace(anchor, "stage.");
        Assert.Equal(expected, reference.Select(t => t[(t.IndexOf(':') + 1)..]));
        foreach (var m in members) Assert.Equal(reference, Trace(m, "stage."));
        var seqs = reference.Select(t => long.Parse(t[..t.IndexOf(':')])).ToArray();
        Assert.Equal(seqs.Order(), seqs);

        var events = anchor.RoomEvents;
        JsonObject Event(string kind, string p) => events.Last(e => (string?)e["kind"] == kind && (string?)e["data"]!["participant"] == p);
        Assert.Equal("removed", (string?)Event("stage.left", "v1")["data"]!["reason"]);
        Assert.Equal("anchor", (string?)Event("stage.left", "v1")["actor"]);
        Assert.Equal("left", (string?)Event("stage.left", "g")["data"]!["reason"]);
        Assert.Equal("request", (string?)Event("stage.joined", "v1")["data"]!["via"]);
        Assert.Equal("invite", (string?)Event("stage.joined", "g")["data"]!["via"]);
        Assert.True((bool)Event("stage.joined", "g")["data"]!["audioOnly"]!);
        Assert.True((long)Event("stage.requested", "v1")["data"]!["expiresAtMs"]! > (long)Event("stage.requested", "v1")["mediaClockMs"]!);
        // Neither joined guest published: both attempts failed on leaving.
        Assert.Equal(2, Counters.Get("stage.joinFailed"));
        await late.StopAsync();
    }

    [Fact]
    public async Task WrongRoleAndStateRefusals_AreRefusedAndCounted()
    {
        var anchor = await MemberAsync("s2", "anchor", ParticipantRole.Anchor);
        var viewer = await MemberAsync("s2", "viewer", ParticipantRole.Audience);
        var guest = await MemberAsync("s2", "guest", ParticipantRole.Guest);
        var service = await MemberAsync("s2", "mixer", ParticipantRole.Service);
        var roleBefore = Counters.Get("hub.role");

        Assert.Contains("may not", await RefusedAsync(viewer, "Invite", "guest", false));        // audience invites
        Assert.Contains("may not", await RefusedAsync(guest, "RemoveGuest", "viewer"));           // guest removes
        Assert.Contains("may not", await RefusedAsync(viewer, "AcceptRequest", "guest"));        // audience accepts
        Assert.Contains("may not", await RefusedAsync(guest, "DeclineRequest", "viewer"));
        Assert.Contains("may not", await RefusedAsync(viewer, "CancelInvite", "guest"));
        Assert.Contains("may not", await RefusedAsync(anchor, "RequestToJoin", false));          // the anchor is always on
        Assert.Contains("may not", await RefusedAsync(service, "RequestToJoin", false));
        Assert.Equal(roleBefore + 7, Counters.Get("hub.role"));

        var notFoundBefore = Counters.Get("hub.not-found");
        await RefusedAsync(guest, "AcceptInvite");                  // an invite that does not exist
        await RefusedAsync(guest, "DeclineInvite");
        await RefusedAsync(viewer, "CancelRequest");
        await RefusedAsync(anchor, "AcceptRequest", "viewer");      // a request that does not exist
        await RefusedAsync(anchor, "RemoveGuest", "viewer");        // not on stage
        await RefusedAsync(viewer, "LeaveStage");
        await RefusedAsync(anchor, "CancelInvite", "nobody");
        Assert.Equal(notFoundBefore + 7, Counters.Get("hub.not-found"));

        await viewer.InvokeAsync("RequestToJoin", false);
        await RefusedAsync(viewer, "RequestToJoin", true);          // twice
        await RefusedAsync(anchor, "Invite", "viewer", false);      // already asked: accept the request instead
        await anchor.InvokeAsync("AcceptRequest", "viewer");
        await RefusedAsync(anchor, "AcceptRequest", "viewer");      // already accepted
        await RefusedAsync(viewer, "RequestToJoin", false);         // already on stage
        Assert.True(Counters.Get("hub.state") >= 3);

        var argumentBefore = Counters.Get("hub.argument");
        await RefusedAsync(anchor, "Invite", "anchor", false);      // oneself
        await RefusedAsync(anchor, "Invite", "mixer", false);       // a service is not a guest
        await RefusedAsync(anchor, "Invite", "bad id!", false);
        await RefusedAsync(anchor, "Invite", new string('x', 300), false);
        Assert.Equal(argumentBefore + 4, Counters.Get("hub.argument"));
        // A token for room s2 acts in s2 only: nothing leaked into another room's log.
        var other = await MemberAsync("s3", "o", ParticipantRole.Audience);
        Assert.DoesNotContain(other.RoomEvents, e => ((string)e["kind"]!).StartsWith("stage.", StringComparison.Ordinal));
    }
}

/// <summary>The guest cap (<c>Rooms:MaxGuests</c>).</summary>
public sealed class StageCapTests : RoomTestBase
{
    protected override string[] ServerArgs => ["--Rooms:MaxGuests=2"];

    [Fact]
    public async Task BeyondTheCap_AcceptAndInviteAreRefused_UntilASeatFrees()
    {
        var anchor = await MemberAsync("cap", "anchor", ParticipantRole.Anchor);
        var viewers = new List<HubClient>();
        for (var i = 0; i < 4; i++)
        {
            var v = await MemberAsync("cap", "v" + i, ParticipantRole.Audience);
            await v.InvokeAsync("RequestToJoin", false);
            viewers.Add(v);
        }
        await anchor.InvokeAsync("AcceptRequest", "v0");
        await anchor.InvokeAsync("AcceptRequest", "v1");
        Assert.Contains("full", await RefusedAsync(anchor, "AcceptRequest", "v2"));
        Assert.Contains("full", await RefusedAsync(anchor, "Invite", "x", false));
        Assert.Equal(2, Counters.Get("hub.full"));
        var (_, join) = await JoinAsync("cap", "watcher", ParticipantRole.Audience);
        Assert.Equal(2, join["state"]!["stage"]!["guests"]!.AsArray().Count);
        Assert.Equal(2, join["state"]!["stage"]!["maxGuests"]!.GetValue<int>());
        Assert.Equal(2, join["state"]!["stage"]!["requests"]!.AsArray().Count);

        await viewers[0].InvokeAsync("LeaveStage");
        await anchor.InvokeAsync("AcceptRequest", "v2");
        await WaitFor(viewers[3], "stage.joined", "v2");
    }
}

/// <summary>Pending requests and invites time out (<c>Rooms:InviteTimeoutSeconds</c>).</summary>
public sealed class StageTimeoutTests : RoomTestBase
{
    protected override string[] ServerArgs => ["--Rooms:InviteTimeoutSeconds=1"];

    [Fact]
    public async Task ExpiredRequestsAndInvites_AreEvents_AndCanNoLongerBeAccepted()
    {
        var anchor = await MemberAsync("exp", "anchor", ParticipantRole.Anchor);
        var viewer = await MemberAsync("exp", "viewer", ParticipantRole.Audience);
        var guest = await MemberAsync("exp", "guest", ParticipantRole.Guest);
        await viewer.InvokeAsync("RequestToJoin", false);
        await anchor.InvokeAsync("Invite", "guest", true);
        await WaitFor(anchor, "stage.requestExpired", "viewer");
        await WaitFor(viewer, "stage.inviteExpired", "guest");
        await WaitFor(guest, "stage.requestExpired", "viewer");
        Assert.Null(anchor.RoomEvents.Single(e => (string?)e["kind"] == "stage.requestExpired")["actor"]);

        await RefusedAsync(guest, "AcceptInvite");
        await RefusedAsync(anchor, "AcceptRequest", "viewer");
        var (_, join) = await JoinAsync("exp", "late", ParticipantRole.Audience);
        Assert.Empty(join["state"]!["stage"]!["requests"]!.AsArray());
        Assert.Empty(join["state"]!["stage"]!["invites"]!.AsArray());
        Assert.Empty(join["state"]!["stage"]!["guests"]!.AsArray());
        // Asking again after expiry is a new request.
        await viewer.InvokeAsync("RequestToJoin", true);
        await anchor.InvokeAsync("AcceptRequest", "viewer");
        await WaitFor(guest, "stage.joined", "viewer");
    }
}
