using CoStream.LoadTest.Client;
using CoStream.Signaling.Auth;
using CoStream.Sfu.Protocols.Sdp;

namespace CoStream.Signaling.Tests.Rooms.Stage;

/// <summary>
/// The publish gate on MediaHub.Publish (real SignalR client, real SDP offers from SimPeer) and WHIP (SimPeer publishing): the
/// anchor always, guests and audience only on stage, audio-only guests never video; the one-shot join success counters.
/// </summary>
public sealed class PublishGateTests : RoomTestBase
{
    public static SimPeerOptions LightMedia => new() { VideoPacketsPerSecond = 100, FramesPerSecond = 10, VideoPayloadBytes = 400, ConnectTimeoutMs = 15_000 };

    private static string Offer(bool video = true)
    {
        var peer = SimPeer.CreatePublisher();
        var offer = peer.CreatePublishOffer();
        peer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (!video) offer.Media.Single(m => m.Kind == MediaKind.Video).Direction = MediaDirection.Inactive;
        return offer.ToString();
    }

    private Task<HubClient> MediaHubAsync(string room, string participant, ParticipantRole role) =>
        Driver.ConnectAsync(Server.BaseUrl, Server.Token(room, participant, role), hubPath: "/hubs/media", events: ["offer"]);

    [Fact]
    public async Task MediaHubPublish_OnlyOnStage_AndAudioOnlyGuestsSendNoVideo()
    {
        var anchor = await MemberAsync("gate", "anchor", ParticipantRole.Anchor);
        var viewer = await MemberAsync("gate", "viewer", ParticipantRole.Audience);
        var guest = await MemberAsync("gate", "guest", ParticipantRole.Guest);
        var anchorMedia = await MediaHubAsync("gate", "anchor", ParticipantRole.Anchor);
        var viewerMedia = await MediaHubAsync("gate", "viewer", ParticipantRole.Audience);
        var guestMedia = await MediaHubAsync("gate", "guest", ParticipantRole.Guest);

        Assert.StartsWith("v=0", (string?)await anchorMedia.InvokeAsync("Publish", Offer()));
        Assert.Contains("may not publish", await RefusedAsync(viewerMedia, "Publish", Offer()));
        Assert.Contains("may not publish", await RefusedAsync(guestMedia, "Publish", Offer()));
        Assert.Equal(2, Counters.Get("hub.not-on-stage"));

        // The viewer asks and is taken on stage: it may publish now, video too.
        await viewer.InvokeAsync("RequestToJoin", false);
        await anchor.InvokeAsync("AcceptRequest", "viewer");
        Assert.StartsWith("v=0", (string?)await viewerMedia.InvokeAsync("Publish", Offer()));

        // The guest is invited audio-only: an offer that sends video is refused, an audio-only one accepted.
        await anchor.InvokeAsync("Invite", "guest", true);
        await guest.InvokeAsync("AcceptInvite");
        Assert.Contains("audio-only", await RefusedAsync(guestMedia, "Publish", Offer()));
        Assert.Equal(1, Counters.Get("hub.audio-only"));
        Assert.StartsWith("v=0", (string?)await guestMedia.InvokeAsync("Publish", Offer(video: false)));
        var room = (await Server.Sfu.GetRoomAsync("gate"))!;
        Assert.Equal(["Audio:opus"], room.Transports.Single(t => t.Participant == "guest").Producers);

        // Removed from the stage: its publish transport closes, and it may no longer publish.
        await anchor.InvokeAsync("RemoveGuest", "viewer");
        Assert.DoesNotContain((await Server.Sfu.GetRoomAsync("gate"))!.Transports, t => t.Participant == "viewer" && t.Producers.Length > 0);
        Assert.Contains("may not publish", await RefusedAsync(viewerMedia, "Publish", Offer()));
        await guest.InvokeAsync("LeaveStage");
        Assert.DoesNotContain((await Server.Sfu.GetRoomAsync("gate"))!.Transports, t => t.Participant == "guest");
        Assert.Contains((await Server.Sfu.GetRoomAsync("gate"))!.Transports, t => t.Participant == "anchor");
    }

    [Fact]
    public async Task Whip_OnlyOnStage_AndAJoinThatGoesLiveCountsAsAFirstTrySuccess()
    {
        var anchor = await MemberAsync("whipgate", "anchor", ParticipantRole.Anchor);
        var guest = await MemberAsync("whipgate", "guest", ParticipantRole.Guest);
        var token = Server.Token("whipgate", "guest", ParticipantRole.Guest);
        await Assert.ThrowsAnyAsync<Exception>(() => SimPeer.PublishAsync(Server.BaseUrl, "whipgate", token, LightMedia));
        Assert.Equal(1, Counters.Get("http.not-on-stage"));

        await anchor.InvokeAsync("Invite", "guest", true);
        await guest.InvokeAsync("AcceptInvite");
        await Assert.ThrowsAnyAsync<Exception>(() => SimPeer.PublishAsync(Server.BaseUrl, "whipgate", token, LightMedia)); // sends video
        Assert.Equal(1, Counters.Get("http.audio-only"));
        Assert.Equal(1, Counters.Get("stage.joinAttempts"));

        // Re-invited with video: the WHIP publish goes live, which is a one-shot success.
        await guest.InvokeAsync("LeaveStage");
        await anchor.InvokeAsync("Invite", "guest", false);
        await guest.InvokeAsync("AcceptInvite");
        await using var peer = await SimPeer.PublishAsync(Server.BaseUrl, "whipgate", token, LightMedia);
        Assert.True(await WaitUntilAsync(() => Task.FromResult(Counters.Get("stage.joinSucceededFirstTry") == 1)), "the join is counted as a success");
        Assert.Equal(2, Counters.Get("stage.joinAttempts"));
        Assert.Equal(1, Counters.Get("stage.joinFailed")); // the first, audio-only join never went live before leaving
        var (_, join) = await JoinAsync("whipgate", "watcher", ParticipantRole.Audience);
        var joins = join["state"]!["stage"]!["joins"]!;
        Assert.Equal((2L, 1L, 1L), ((long)joins["attempts"]!, (long)joins["succeededFirstTry"]!, (long)joins["failed"]!));

        // The same figures over HTTP, for the room's anchor only.
        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Get, Server.BaseUrl + "/rooms/whipgate/stats");
        request.Headers.Authorization = new("Bearer", Server.Token("whipgate", "anchor", ParticipantRole.Anchor));
        var stats = System.Text.Json.Nodes.JsonNode.Parse(await (await http.SendAsync(request)).Content.ReadAsStringAsync())!;
        Assert.Equal(0.5, (double)stats["joinSuccessRate"]!);
        request = new HttpRequestMessage(HttpMethod.Get, Server.BaseUrl + "/rooms/whipgate/stats");
        request.Headers.Authorization = new("Bearer", token);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await http.SendAsync(request)).StatusCode);

        await anchor.InvokeAsync("RemoveGuest", "guest");
        Assert.DoesNotContain((await Server.Sfu.GetRoomAsync("whipgate"))?.Transports ?? [], t => t.Participant == "guest");
    }

    /// <summary>Polls every 50 ms until the condition holds or a generous deadline passes.</summary>
    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, int deadlineMs = 20_000)
    {
        var end = Environment.TickCount64 + deadlineMs;
        while (!await condition())
        {
            if (Environment.TickCount64 > end) return false;
            await Task.Delay(50);
        }
        return true;
    }
}
