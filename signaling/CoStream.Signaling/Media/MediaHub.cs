using System.Collections.Concurrent;
using CoStream.Sfu;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Rooms.Stage;
using Microsoft.AspNetCore.SignalR;

namespace CoStream.Signaling.Media;

/// <summary>
/// SignalR hub for the media plane: a participant publishes (client offers, SFU answers) and
/// subscribes (SFU offers the room's tracks, client answers; the SFU re-offers when tracks come and go).
/// The caller's identity comes from a room token (query <c>access_token</c> or bearer header).
/// </summary>
public sealed class MediaHub(SfuServer sfu, RoomTokenService tokens, MediaSessions sessions, SignalingCounters counters, PublishGate gate,
    ILogger<MediaHub> log) : Hub
{
    public const string Path = "/hubs/media";
    private const int MaxSdpLength = 64 * 1024;

    public override async Task OnConnectedAsync()
    {
        var http = Context.GetHttpContext();
        var raw = http?.Request.Query["access_token"].ToString();
        if (string.IsNullOrEmpty(raw)) raw = BearerToken.FromHeader(http?.Request.Headers.Authorization.ToString());
        var error = tokens.TryValidate(raw, out var token);
        if (error != TokenError.None)
        {
            counters.CountTokenRefusal(error);
            log.LogInformation("hub connection refused: token {Error}", error);
            Context.Abort();
            return;
        }
        Context.Items["token"] = token;
        await Groups.AddToGroupAsync(Context.ConnectionId, token!.Room);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        foreach (var transportId in sessions.RemoveConnection(Context.ConnectionId))
            await sfu.CloseTransportAsync(transportId);
        await base.OnDisconnectedAsync(exception);
    }

    /// <summary>Publishes the caller's tracks: takes the browser's offer, returns the SFU's answer.</summary>
    public async Task<string> Publish(string offerSdp)
    {
        var token = RequireToken();
        CheckSdp(offerSdp);
        // The stage decides: anchor and services always, guests and audience only while on stage (audio-only: no video).
        var refusal = gate.Check(token, offerSdp);
        if (refusal != PublishRefusal.None) throw Refuse(PublishGate.Reason(refusal), PublishGate.Describe(refusal, token.Role));
        var result = await sfu.PublishAsync(token.Room, token.Participant, offerSdp, Context.ConnectionAborted);
        if (!result.Ok) throw Refuse("sdp", result.Error!);
        if (!await gate.ConfirmAsync(token, result.TransportId)) throw Refuse("not-on-stage", "left the stage while publishing");
        sessions.Add(Context.ConnectionId, result.TransportId);
        return result.Sdp!;
    }

    /// <summary>
    /// Opens the caller's receive connection: returns the SFU's offer of the room's tracks, or an empty
    /// string when nothing is published yet (the first offer then arrives as an "offer" message).
    /// </summary>
    public async Task<string> Subscribe()
    {
        var token = RequireToken();
        var connectionId = Context.ConnectionId;
        var clients = Clients.Caller;
        var result = await sfu.SubscribeAsync(token.Room, token.Participant,
            offer => clients.SendAsync("offer", offer), Context.ConnectionAborted);
        if (!result.Ok) throw Refuse("subscribe", result.Error!);
        sessions.Add(connectionId, result.TransportId);
        sessions.SetSubscriber(connectionId, result.TransportId);
        // Speaker changes are pushed as they happen; a late joiner is told the current one.
        if ((await sfu.GetRoomAsync(token.Room))?.ActiveSpeaker is { } speaker)
            await clients.SendAsync("activeSpeaker", speaker);
        return result.Sdp ?? "";
    }

    /// <summary>The browser's answer to an offer from <see cref="Subscribe"/> or a later re-offer.</summary>
    public async Task Answer(string answerSdp)
    {
        RequireToken();
        CheckSdp(answerSdp);
        var transportId = sessions.GetSubscriber(Context.ConnectionId) ?? throw Refuse("state", "subscribe first");
        var error = await sfu.AcceptAnswerAsync(transportId, answerSdp);
        if (error is not null) throw Refuse("sdp", error);
    }

    private RoomToken RequireToken() =>
        Context.Items.TryGetValue("token", out var t) && t is RoomToken token ? token : throw Refuse("token", "not authenticated");

    private void CheckSdp(string? sdp)
    {
        if (string.IsNullOrEmpty(sdp) || sdp.Length > MaxSdpLength) throw Refuse("sdp", "missing or oversized SDP");
    }

    private HubException Refuse(string reason, string message)
    {
        counters.CountHubRefusal(reason);
        return new HubException(message);
    }
}

/// <summary>Which SFU transports belong to which hub connection, so a vanished connection tears them down.</summary>
public sealed class MediaSessions
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byConnection = new();
    private readonly ConcurrentDictionary<string, string> _subscriber = new();

    public void Add(string connectionId, string transportId) =>
        _byConnection.GetOrAdd(connectionId, _ => new())[transportId] = 0;

    public void SetSubscriber(string connectionId, string transportId) => _subscriber[connectionId] = transportId;

    public string? GetSubscriber(string connectionId) => _subscriber.GetValueOrDefault(connectionId);

    public IReadOnlyCollection<string> RemoveConnection(string connectionId)
    {
        _subscriber.TryRemove(connectionId, out _);
        return _byConnection.TryRemove(connectionId, out var set) ? set.Keys.ToArray() : [];
    }
}

public static class BearerToken
{
    public static string? FromHeader(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization[7..].Trim()
            : null;
}
