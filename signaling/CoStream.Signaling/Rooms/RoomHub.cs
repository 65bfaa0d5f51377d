using CoStream.Signaling.Auth;
using CoStream.Signaling.Media;
using Microsoft.AspNetCore.SignalR;

namespace CoStream.Signaling.Rooms;

/// <summary>Adds a feature's part of the room state to what <see cref="RoomHub.Join"/> returns (stage, PK, shelf, coupons…).</summary>
public interface IRoomStateContributor
{
    /// <summary>Called with the room's <see cref="RoomEventLog.Gate"/> held, so the snapshot matches the log's last sequence.</summary>
    void Contribute(string room, RoomToken caller, IDictionary<string, object?> state);
}

/// <summary>
/// The room hub (<c>/hubs/room</c>): everything but media — who is on stage, PK, gifts, chat, the product shelf and
/// coupons. The caller is identified by its room token (query <c>access_token</c> or bearer header) and only ever
/// acts in its token's room. Server → client: <c>event</c> (a <see cref="RoomEvent"/>, in sequence order).
/// Feature methods live in the other <c>RoomHub.*.cs</c> files; each checks the caller's role.
/// </summary>
public sealed partial class RoomHub(RoomTokenService tokens, RoomEvents events, SignalingCounters counters,
    IServiceProvider services, ILogger<RoomHub> log) : Hub
{
    public const string Path = "/hubs/room";

    public static string GroupOf(string room) => "room:" + room;

    public override async Task OnConnectedAsync()
    {
        var http = Context.GetHttpContext();
        var raw = http?.Request.Query["access_token"].ToString();
        if (string.IsNullOrEmpty(raw)) raw = BearerToken.FromHeader(http?.Request.Headers.Authorization.ToString());
        var error = tokens.TryValidate(raw, out var token);
        if (error != TokenError.None)
        {
            counters.CountTokenRefusal(error);
            log.LogInformation("room hub connection refused: token {Error}", error);
            Context.Abort();
            return;
        }
        Context.Items["token"] = token;
        await base.OnConnectedAsync();
    }

    /// <summary>
    /// Enters the room: from now on the caller receives the room's events; returns the events after
    /// <paramref name="afterSeq"/> that are still kept (0 = all kept), the room's state, and its clock.
    /// A client drops any event whose <c>seq</c> it has already seen (replay and live delivery may overlap).
    /// </summary>
    public async Task<JoinResult> Join(long afterSeq)
    {
        var token = RequireToken();
        if (afterSeq < 0) throw Refuse("argument", "afterSeq must be 0 or more");
        // Join the group first, then read the log: an event is then either replayed, delivered live, or both.
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(token.Room));
        var eventLog = events.Get(token.Room);
        var state = new Dictionary<string, object?>(StringComparer.Ordinal);
        long lastSeq;
        lock (eventLog.Gate)
        {
            foreach (var presence in services.GetServices<IRoomPresenceListener>())
                presence.OnJoined(token, Context.ConnectionId);
            foreach (var contributor in services.GetServices<IRoomStateContributor>())
                contributor.Contribute(token.Room, token, state);
            lastSeq = eventLog.LastSeq;
        }
        var replay = eventLog.After(afterSeq, out var complete);
        return new JoinResult(token.Room, token.Participant, token.Role.ToString().ToLowerInvariant(),
            eventLog.Clock.EpochUtc, eventLog.Clock.NowMs, Math.Max(lastSeq, replay.Count > 0 ? replay[^1].Seq : 0),
            complete, replay, state);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue("token", out var t) && t is RoomToken token)
            foreach (var presence in services.GetServices<IRoomPresenceListener>())
                presence.OnLeft(token, Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }

    /// <summary>The room's media clock now (for a client to relate its own clock to the room's).</summary>
    public long Clock() => events.Get(RequireToken().Room).Clock.NowMs;

    private RoomToken RequireToken() =>
        Context.Items.TryGetValue("token", out var t) && t is RoomToken token ? token : throw Refuse("token", "not authenticated");

    private HubException Refuse(string reason, string message)
    {
        counters.CountHubRefusal(reason);
        return new HubException(message);
    }
}
