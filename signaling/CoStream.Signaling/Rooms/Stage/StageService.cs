using System.Collections.Concurrent;
using CoStream.Sfu;
using CoStream.Signaling.Auth;

namespace CoStream.Signaling.Rooms.Stage;

/// <summary>
/// Co-streaming (lianmai): who is on each room's stage, requests to join and invites with their time-outs, the guest
/// cap, audio-only guests, and the reconnect grace of a guest whose connections dropped. Every change happens under
/// the room's <see cref="RoomEventLog.Gate"/> together with its event, so all members see the same order.
/// Only the room's anchor moderates. The hub (<c>RoomHub.Stage.cs</c>) maps a <see cref="StageError"/> to a refusal.
/// </summary>
public sealed class StageService : IRoomStateContributor
{
    private readonly ConcurrentDictionary<string, RoomStage> _stages = new(StringComparer.Ordinal);
    private readonly RoomEvents _events;
    private readonly RoomPresence _presence;
    private readonly SfuServer _sfu;
    private readonly JoinSuccessTracker _joins;
    private readonly TimeProvider _time;
    private readonly ILogger<StageService> _log;

    public StageService(RoomEvents events, RoomPresence presence, SfuServer sfu, StageOptions options, JoinSuccessTracker joins,
        TimeProvider time, ILogger<StageService> log)
    {
        _events = events;
        _presence = presence;
        _sfu = sfu;
        Options = options;
        _joins = joins;
        _time = time;
        _log = log;
        presence.Changed += OnPresenceChanged;
        // Raised on the SFU's loop thread: hand off.
        sfu.PublisherLive += (room, participant, _) => ThreadPool.QueueUserWorkItem(_ => joins.OnLive(room, participant));
    }

    public StageOptions Options { get; }

    private static bool MayJoinStage(ParticipantRole role) => role is ParticipantRole.Audience or ParticipantRole.Guest;

    // ---- the audience side ----

    public StageError RequestToJoin(RoomToken caller, bool audioOnly) => Change(caller.Room, (log, stage) =>
    {
        var p = caller.Participant;
        if (!MayJoinStage(caller.Role)) return StageError.Role;
        if (stage.Guests.ContainsKey(p) || stage.Requests.ContainsKey(p) || stage.Invites.ContainsKey(p)) return StageError.State;
        var seat = AddPending(log, stage.Requests, p, audioOnly, StageEventKinds.RequestExpired);
        log.Append(StageEventKinds.Requested, p, new { participant = p, audioOnly, expiresAtMs = seat.ExpiresAtMs });
        return StageError.None;
    });

    public StageError CancelRequest(RoomToken caller) => Change(caller.Room, (log, stage) =>
        RemovePending(log, stage.Requests, caller.Participant, StageEventKinds.RequestCancelled, caller.Participant));

    public StageError AcceptInvite(RoomToken caller) => Change(caller.Room, (log, stage) =>
    {
        var p = caller.Participant;
        if (!MayJoinStage(caller.Role)) return StageError.Role;
        if (!stage.Invites.TryGetValue(p, out var seat)) return StageError.NotFound;
        if (stage.Guests.Count >= Options.MaxGuests) return StageError.Full;
        stage.Invites.Remove(p);
        seat.Timer?.Dispose();
        AddGuest(log, stage, p, seat.AudioOnly, "invite", p);
        return StageError.None;
    });

    public StageError DeclineInvite(RoomToken caller) => Change(caller.Room, (log, stage) =>
        RemovePending(log, stage.Invites, caller.Participant, StageEventKinds.InviteDeclined, caller.Participant));

    /// <summary>The caller leaves the stage; then close its publish transports (<see cref="ClosePublishAsync"/>).</summary>
    public StageError LeaveStage(RoomToken caller) => Change(caller.Room, (log, stage) =>
        stage.Guests.ContainsKey(caller.Participant)
            ? RemoveGuest(log, stage, caller.Participant, "left", caller.Participant)
            : StageError.NotFound);

    // ---- the anchor side ----

    public StageError AcceptRequest(RoomToken caller, string participant) => Moderate(caller, participant, (log, stage) =>
    {
        if (!stage.Requests.TryGetValue(participant, out var seat)) return StageError.NotFound;
        if (stage.Guests.Count >= Options.MaxGuests) return StageError.Full;
        stage.Requests.Remove(participant);
        seat.Timer?.Dispose();
        AddGuest(log, stage, participant, seat.AudioOnly, "request", caller.Participant);
        return StageError.None;
    });

    public StageError DeclineRequest(RoomToken caller, string participant) => Moderate(caller, participant, (log, stage) =>
        RemovePending(log, stage.Requests, participant, StageEventKinds.RequestDeclined, caller.Participant));

    public StageError Invite(RoomToken caller, string participant, bool audioOnly) => Moderate(caller, participant, (log, stage) =>
    {
        if (participant == caller.Participant || _presence.RoleOf(caller.Room, participant) is ParticipantRole.Anchor or ParticipantRole.Service)
            return StageError.Argument;
        if (stage.Guests.ContainsKey(participant) || stage.Requests.ContainsKey(participant) || stage.Invites.ContainsKey(participant))
            return StageError.State;
        if (stage.Guests.Count >= Options.MaxGuests) return StageError.Full;
        var seat = AddPending(log, stage.Invites, participant, audioOnly, StageEventKinds.InviteExpired);
        log.Append(StageEventKinds.Invited, caller.Participant, new { participant, audioOnly, expiresAtMs = seat.ExpiresAtMs });
        return StageError.None;
    });

    public StageError CancelInvite(RoomToken caller, string participant) => Moderate(caller, participant, (log, stage) =>
        RemovePending(log, stage.Invites, participant, StageEventKinds.InviteCancelled, caller.Participant));

    /// <summary>The anchor removes a guest; then close its publish transports (<see cref="ClosePublishAsync"/>).</summary>
    public StageError RemoveGuest(RoomToken caller, string participant) => Moderate(caller, participant, (log, stage) =>
        stage.Guests.ContainsKey(participant) ? RemoveGuest(log, stage, participant, "removed", caller.Participant) : StageError.NotFound);

    // ---- queries ----

    /// <summary>Whether the participant is on the room's stage (and if so, audio-only).</summary>
    public bool IsOnStage(string room, string participant, out bool audioOnly)
    {
        audioOnly = false;
        var log = _events.Get(room);
        lock (log.Gate)
        {
            if (!_stages.TryGetValue(room, out var stage) || !stage.Guests.TryGetValue(participant, out var guest)) return false;
            audioOnly = guest.AudioOnly;
            return true;
        }
    }

    /// <summary>Closes every SFU transport on which the participant publishes in the room (after leaving the stage).</summary>
    public async Task ClosePublishAsync(string room, string participant)
    {
        try
        {
            var closed = await _sfu.ClosePublishTransportsAsync(room, participant);
            if (closed > 0) _log.LogInformation("room {Room}: closed {Count} publish transport(s) of {Participant}", room, closed, participant);
        }
        catch (Exception e)
        {
            _log.LogWarning(e, "room {Room}: closing the publish transports of {Participant} failed", room, participant);
        }
    }

    public void Contribute(string room, RoomToken caller, IDictionary<string, object?> state)
    {
        var stage = _stages.GetValueOrDefault(room) ?? new RoomStage();
        var anchors = _presence.Anchors(room);
        state["stage"] = new StageSnapshot(anchors.Count > 0, anchors, Options.MaxGuests,
            stage.Guests.Values.OrderBy(g => g.Participant, StringComparer.Ordinal).Select(g => new StageGuestSnapshot(g.Participant, g.AudioOnly, g.Away)).ToArray(),
            Snapshot(stage.Requests), Snapshot(stage.Invites), _joins.StatsOf(room));
    }

    private static PendingSnapshot[] Snapshot(Dictionary<string, PendingSeat> seats) =>
        seats.Values.OrderBy(s => s.ExpiresAtMs).Select(s => new PendingSnapshot(s.Participant, s.AudioOnly, s.ExpiresAtMs)).ToArray();

    // ---- transitions (gate held) ----

    private StageError Change(string room, Func<RoomEventLog, RoomStage, StageError> change)
    {
        var log = _events.Get(room);
        var stage = _stages.GetOrAdd(room, _ => new RoomStage());
        lock (log.Gate) return change(log, stage);
    }

    private StageError Moderate(RoomToken caller, string participant, Func<RoomEventLog, RoomStage, StageError> change)
    {
        if (caller.Role != ParticipantRole.Anchor) return StageError.Role;
        if (!RoomTokenService.IsValidId(participant)) return StageError.Argument;
        return Change(caller.Room, change);
    }

    private PendingSeat AddPending(RoomEventLog log, Dictionary<string, PendingSeat> seats, string participant, bool audioOnly, string expiredKind)
    {
        var seat = new PendingSeat(participant, audioOnly, log.Clock.NowMs + (long)Options.InviteTimeout.TotalMilliseconds);
        seats[participant] = seat;
        seat.Timer = _time.CreateTimer(_ =>
        {
            lock (log.Gate)
            {
                if (!seats.TryGetValue(participant, out var current) || current != seat) return;
                seats.Remove(participant);
                log.Append(expiredKind, null, new { participant });
            }
        }, null, Options.InviteTimeout, Timeout.InfiniteTimeSpan);
        return seat;
    }

    private static StageError RemovePending(RoomEventLog log, Dictionary<string, PendingSeat> seats, string participant, string kind, string actor)
    {
        if (!seats.Remove(participant, out var seat)) return StageError.NotFound;
        seat.Timer?.Dispose();
        log.Append(kind, actor, new { participant });
        return StageError.None;
    }

    private void AddGuest(RoomEventLog log, RoomStage stage, string participant, bool audioOnly, string via, string actor)
    {
        stage.Guests[participant] = new StageGuest(participant, audioOnly);
        log.Append(StageEventKinds.Joined, actor, new { participant, audioOnly, via });
        _joins.OnJoinedStage(log.Room, participant);
        // Accepted while its connections were already gone: the grace starts now.
        if (!_presence.IsPresent(log.Room, participant)) MarkAway(log, stage, stage.Guests[participant]);
    }

    private StageError RemoveGuest(RoomEventLog log, RoomStage stage, string participant, string reason, string? actor)
    {
        if (!stage.Guests.Remove(participant, out var guest)) return StageError.NotFound;
        guest.AwayTimer?.Dispose();
        log.Append(StageEventKinds.Left, actor, new { participant, reason });
        _joins.OnLeftStage(log.Room, participant);
        return StageError.None;
    }

    // ---- reconnect grace ----

    private void OnPresenceChanged(RoomToken who, bool present)
    {
        if (!_stages.TryGetValue(who.Room, out var stage) || !stage.Guests.TryGetValue(who.Participant, out var guest)) return;
        var log = _events.Get(who.Room);
        if (!present && !guest.Away)
        {
            MarkAway(log, stage, guest);
        }
        else if (present && guest.AwayTimer is { } timer)
        {
            timer.Dispose();
            guest.AwayTimer = null;
            log.Append(StageEventKinds.Reconnected, who.Participant, new { participant = who.Participant });
        }
    }

    private void MarkAway(RoomEventLog log, RoomStage stage, StageGuest guest)
    {
        ITimer? timer = null;
        timer = _time.CreateTimer(_ =>
        {
            lock (log.Gate)
            {
                if (!stage.Guests.TryGetValue(guest.Participant, out var current) || current != guest || guest.AwayTimer != timer) return;
                RemoveGuest(log, stage, guest.Participant, "disconnected", null);
            }
            _ = ClosePublishAsync(log.Room, guest.Participant);
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        guest.AwayTimer = timer;
        log.Append(StageEventKinds.Disconnected, guest.Participant,
            new { participant = guest.Participant, graceMs = (long)Options.ReconnectGrace.TotalMilliseconds });
        timer.Change(Options.ReconnectGrace, Timeout.InfiniteTimeSpan);
    }
}
