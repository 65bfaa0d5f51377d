using System.Collections.Concurrent;
using CoStream.Sfu;
using CoStream.Signaling.Auth;

namespace CoStream.Signaling.Rooms.Stage;

/// <summary>Where a PK stands.</summary>
public enum PkStatus { Invited, Active, Over }

/// <summary>One PK between two rooms: invited by the anchor of <see cref="FromRoom"/>, accepted by an anchor of <see cref="ToRoom"/>.</summary>
internal sealed class PkSession(string id, string fromRoom, string fromAnchor, string toRoom)
{
    public string Id { get; } = id;
    public string FromRoom { get; } = fromRoom;
    public string FromAnchor { get; } = fromAnchor;
    public string ToRoom { get; } = toRoom;
    public string? ToAnchor { get; set; }
    private int _status;
    public PkStatus Status { get => (PkStatus)Volatile.Read(ref _status); set => Volatile.Write(ref _status, (int)value); }
    public ITimer? InviteTimer { get; set; }
    /// <summary>Whether the SFU currently links the rooms (changed only under <see cref="PkService"/>'s link lock).</summary>
    public bool Linked { get; set; }

    public string? AnchorOf(string room) => room == FromRoom ? FromAnchor : room == ToRoom ? ToAnchor : null;

    public PkSnapshot Snapshot() => new(Id, Status.ToString().ToLowerInvariant(), FromRoom, FromAnchor, ToRoom, ToAnchor);
}

/// <summary>The PK as <c>Join</c>'s state reports it (<c>state.pk</c>; null when none).</summary>
public sealed record PkSnapshot(string Id, string Status, string FromRoom, string FromAnchor, string ToRoom, string? ToAnchor);

/// <summary>
/// Cross-room PK: anchor A invites room B, an anchor of B accepts or declines, A may cancel, the invitation times out,
/// either anchor ends a running PK, and one whose anchor stays disconnected past the reconnect grace ends. One PK per room
/// at a time. A change holds both rooms' gates (taken in ordinal order of room id) and appends its event to both logs,
/// so each room sees it in order with its own events. On start the SFU links the rooms (<see cref="SfuServer.LinkRoomsAsync"/>:
/// each room's subscribers receive the other anchor's tracks); on end it unlinks them.
/// </summary>
public sealed class PkService : IRoomStateContributor
{
    private readonly ConcurrentDictionary<string, PkSession> _byRoom = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Room, string Participant), ITimer> _away = new();
    private readonly SemaphoreSlim _linkLock = new(1, 1);
    private readonly RoomEvents _events;
    private readonly RoomPresence _presence;
    private readonly SfuServer _sfu;
    private readonly StageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PkService> _log;

    public PkService(RoomEvents events, RoomPresence presence, SfuServer sfu, StageOptions options, TimeProvider time, ILogger<PkService> log)
    {
        _events = events;
        _presence = presence;
        _sfu = sfu;
        _options = options;
        _time = time;
        _log = log;
        presence.Changed += OnPresenceChanged;
    }

    public StageError Invite(RoomToken caller, string toRoom)
    {
        if (caller.Role != ParticipantRole.Anchor) return StageError.Role;
        if (!RoomTokenService.IsValidId(toRoom) || toRoom == caller.Room) return StageError.Argument;
        return InBoth(caller.Room, toRoom, (from, to) =>
        {
            if (_byRoom.ContainsKey(caller.Room) || _byRoom.ContainsKey(toRoom)) return StageError.Busy;
            if (_presence.Anchors(toRoom).Count == 0) return StageError.NotFound;
            var pk = new PkSession(Guid.NewGuid().ToString("N")[..12], caller.Room, caller.Participant, toRoom);
            _byRoom[caller.Room] = pk;
            _byRoom[toRoom] = pk;
            pk.InviteTimer = _time.CreateTimer(_ => Expire(pk), null, _options.PkInviteTimeout, Timeout.InfiniteTimeSpan);
            AppendBoth(pk, from, to, StageEventKinds.PkInvited, caller.Participant, null);
            return StageError.None;
        });
    }

    public async Task<StageError> AcceptAsync(RoomToken caller, string fromRoom)
    {
        if (caller.Role != ParticipantRole.Anchor) return StageError.Role;
        if (!RoomTokenService.IsValidId(fromRoom) || fromRoom == caller.Room) return StageError.Argument;
        PkSession? started = null;
        var error = InBoth(fromRoom, caller.Room, (from, to) =>
        {
            if (!_byRoom.TryGetValue(caller.Room, out var pk) || pk.Status != PkStatus.Invited || pk.ToRoom != caller.Room || pk.FromRoom != fromRoom)
                return StageError.NotFound;
            pk.InviteTimer?.Dispose();
            pk.ToAnchor = caller.Participant;
            pk.Status = PkStatus.Active;
            AppendBoth(pk, from, to, StageEventKinds.PkStarted, caller.Participant, null);
            started = pk;
            // The inviter may have gone meanwhile: its grace applies from now.
            if (!_presence.IsPresent(pk.FromRoom, pk.FromAnchor)) StartGrace(pk.FromRoom, pk.FromAnchor);
            return StageError.None;
        });
        if (started is not null) await SyncLinkAsync(started);
        return error;
    }

    public StageError Decline(RoomToken caller, string fromRoom)
    {
        if (caller.Role != ParticipantRole.Anchor) return StageError.Role;
        if (!RoomTokenService.IsValidId(fromRoom) || fromRoom == caller.Room) return StageError.Argument;
        return InBoth(fromRoom, caller.Room, (from, to) =>
        {
            if (!_byRoom.TryGetValue(caller.Room, out var pk) || pk.Status != PkStatus.Invited || pk.ToRoom != caller.Room || pk.FromRoom != fromRoom)
                return StageError.NotFound;
            Finish(pk, from, to, StageEventKinds.PkDeclined, caller.Participant, null);
            return StageError.None;
        });
    }

    /// <summary>The inviter withdraws its pending invitation.</summary>
    public StageError Cancel(RoomToken caller)
    {
        if (caller.Role != ParticipantRole.Anchor) return StageError.Role;
        if (!_byRoom.TryGetValue(caller.Room, out var seen)) return StageError.NotFound;
        return InBoth(seen.FromRoom, seen.ToRoom, (from, to) =>
        {
            if (!_byRoom.TryGetValue(caller.Room, out var pk) || pk != seen || pk.Status != PkStatus.Invited || pk.FromRoom != caller.Room)
                return StageError.NotFound;
            Finish(pk, from, to, StageEventKinds.PkCancelled, caller.Participant, "cancelled");
            return StageError.None;
        });
    }

    /// <summary>Either room's anchor ends the running PK.</summary>
    public async Task<StageError> EndAsync(RoomToken caller)
    {
        if (caller.Role != ParticipantRole.Anchor) return StageError.Role;
        if (!_byRoom.TryGetValue(caller.Room, out var seen)) return StageError.NotFound;
        var error = InBoth(seen.FromRoom, seen.ToRoom, (from, to) =>
        {
            if (!_byRoom.TryGetValue(caller.Room, out var pk) || pk != seen || pk.Status != PkStatus.Active) return StageError.NotFound;
            Finish(pk, from, to, StageEventKinds.PkEnded, caller.Participant, "ended");
            return StageError.None;
        });
        if (error == StageError.None) await SyncLinkAsync(seen);
        return error;
    }

    public void Contribute(string room, RoomToken caller, IDictionary<string, object?> state) =>
        state["pk"] = _byRoom.TryGetValue(room, out var pk) ? pk.Snapshot() : null;

    /// <summary>The PK a room is in (for diagnostics and tests).</summary>
    public PkSnapshot? Find(string room) => _byRoom.TryGetValue(room, out var pk) ? pk.Snapshot() : null;

    // ---- internals ----

    private StageError InBoth(string roomA, string roomB, Func<RoomEventLog, RoomEventLog, StageError> change)
    {
        var a = _events.Get(roomA);
        var b = _events.Get(roomB);
        var (first, second) = string.CompareOrdinal(roomA, roomB) < 0 ? (a, b) : (b, a);
        lock (first.Gate)
        lock (second.Gate)
            return change(a, b);
    }

    private static void AppendBoth(PkSession pk, RoomEventLog a, RoomEventLog b, string kind, string? actor, string? reason)
    {
        // Both gates are held: the event takes the next sequence number in each room, stamped with each room's clock.
        foreach (var log in new[] { a, b })
        {
            log.Append(kind, actor, new
            {
                pk = pk.Id,
                fromRoom = pk.FromRoom,
                fromAnchor = pk.FromAnchor,
                toRoom = pk.ToRoom,
                toAnchor = pk.ToAnchor,
                rooms = new[] { pk.FromRoom, pk.ToRoom },
                anchors = new[] { pk.FromAnchor, pk.ToAnchor },
                reason,
            });
        }
    }

    /// <summary>Ends the PK in both rooms with its event (gates held).</summary>
    private void Finish(PkSession pk, RoomEventLog a, RoomEventLog b, string kind, string? actor, string? reason)
    {
        pk.InviteTimer?.Dispose();
        pk.Status = PkStatus.Over;
        _byRoom.TryRemove(new KeyValuePair<string, PkSession>(pk.FromRoom, pk));
        _byRoom.TryRemove(new KeyValuePair<string, PkSession>(pk.ToRoom, pk));
        foreach (var room in new[] { pk.FromRoom, pk.ToRoom })
            if (pk.AnchorOf(room) is { } anchor && _away.TryRemove((room, anchor), out var timer)) timer.Dispose();
        AppendBoth(pk, a, b, kind, actor, reason);
    }

    private void Expire(PkSession pk)
    {
        InBoth(pk.FromRoom, pk.ToRoom, (a, b) =>
        {
            if (pk.Status != PkStatus.Invited || !_byRoom.TryGetValue(pk.FromRoom, out var current) || current != pk) return StageError.NotFound;
            Finish(pk, a, b, StageEventKinds.PkExpired, null, "expired");
            return StageError.None;
        });
    }

    /// <summary>Makes the SFU's links match the PK's status; serialised so a quick start-then-end cannot leave a link behind.</summary>
    private async Task SyncLinkAsync(PkSession pk)
    {
        await _linkLock.WaitAsync();
        try
        {
            if (pk.Status == PkStatus.Active && !pk.Linked)
            {
                await _sfu.LinkRoomsAsync(pk.FromRoom, pk.FromAnchor, pk.ToRoom, pk.ToAnchor!);
                pk.Linked = true;
            }
            else if (pk.Status == PkStatus.Over && pk.Linked)
            {
                await _sfu.UnlinkRoomsAsync(pk.FromRoom, pk.ToRoom);
                pk.Linked = false;
            }
        }
        catch (Exception e)
        {
            _log.LogWarning(e, "PK {Pk}: SFU link change failed", pk.Id);
        }
        finally
        {
            _linkLock.Release();
        }
    }

    // ---- an anchor's reconnect grace ----

    /// <summary>Presence of a participant changed (the room's gate is held): an anchor in a PK who went starts its grace.</summary>
    private void OnPresenceChanged(RoomToken who, bool present)
    {
        if (present)
        {
            if (_away.TryRemove((who.Room, who.Participant), out var timer)) timer.Dispose();
            return;
        }
        if (_byRoom.TryGetValue(who.Room, out var pk) && pk.AnchorOf(who.Room) == who.Participant) StartGrace(who.Room, who.Participant);
    }

    private void StartGrace(string room, string anchor)
    {
        var key = (room, anchor);
        ITimer? timer = null;
        timer = _time.CreateTimer(_ => _ = GraceExpiredAsync(room, anchor, timer!), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_away.TryAdd(key, timer)) timer.Change(_options.ReconnectGrace, Timeout.InfiniteTimeSpan);
        else timer.Dispose();
    }

    private async Task GraceExpiredAsync(string room, string anchor, ITimer timer)
    {
        if (!_away.TryRemove(new KeyValuePair<(string, string), ITimer>((room, anchor), timer))) return;
        timer.Dispose();
        if (!_byRoom.TryGetValue(room, out var seen)) return;
        var error = InBoth(seen.FromRoom, seen.ToRoom, (a, b) =>
        {
            if (!_byRoom.TryGetValue(room, out var pk) || pk != seen || pk.AnchorOf(room) != anchor || _presence.IsPresent(room, anchor))
                return StageError.NotFound;
            if (pk.Status == PkStatus.Active) Finish(pk, a, b, StageEventKinds.PkEnded, null, "disconnected");
            else Finish(pk, a, b, StageEventKinds.PkCancelled, null, "disconnected");
            return StageError.None;
        });
        if (error == StageError.None) await SyncLinkAsync(seen);
    }
}
