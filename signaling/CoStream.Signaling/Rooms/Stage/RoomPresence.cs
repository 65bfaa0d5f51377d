using System.Collections.Concurrent;
using CoStream.Signaling.Auth;

namespace CoStream.Signaling.Rooms.Stage;

/// <summary>
/// Who is in each room right now: the joined room-hub connections of every participant. Raises
/// <see cref="Changed"/> when a participant's first connection joins and when its last one goes, with the room's
/// <see cref="RoomEventLog.Gate"/> held — the stage (reconnect grace) and PK (an anchor's absence) build on it.
/// </summary>
public sealed class RoomPresence(RoomEvents events) : IRoomPresenceListener
{
    private readonly ConcurrentDictionary<string, Dictionary<string, Member>> _rooms = new(StringComparer.Ordinal);

    private sealed class Member(ParticipantRole role)
    {
        public ParticipantRole Role { get; } = role;
        public HashSet<string> Connections { get; } = [];
    }

    /// <summary>(caller, connected): the participant is now present (first connection joined) or absent (last one gone). Gate held.</summary>
    public event Action<RoomToken, bool>? Changed;

    public void OnJoined(RoomToken caller, string connectionId)
    {
        var members = _rooms.GetOrAdd(caller.Room, _ => new(StringComparer.Ordinal));
        if (!members.TryGetValue(caller.Participant, out var member)) members[caller.Participant] = member = new Member(caller.Role);
        if (member.Connections.Add(connectionId) && member.Connections.Count == 1) Changed?.Invoke(caller, true);
    }

    public void OnLeft(RoomToken caller, string connectionId)
    {
        if (!events.TryGet(caller.Room, out var log)) return;
        lock (log.Gate)
        {
            if (!_rooms.TryGetValue(caller.Room, out var members) || !members.TryGetValue(caller.Participant, out var member)) return;
            if (!member.Connections.Remove(connectionId) || member.Connections.Count > 0) return;
            members.Remove(caller.Participant);
            Changed?.Invoke(caller, false);
        }
    }

    /// <summary>Whether the participant has a joined connection. Call with the room's gate held.</summary>
    public bool IsPresent(string room, string participant) =>
        _rooms.TryGetValue(room, out var members) && members.ContainsKey(participant);

    /// <summary>The anchors with a joined connection, sorted. Call with the room's gate held.</summary>
    public IReadOnlyList<string> Anchors(string room) => _rooms.TryGetValue(room, out var members)
        ? members.Where(m => m.Value.Role == ParticipantRole.Anchor).Select(m => m.Key).Order(StringComparer.Ordinal).ToArray()
        : [];

    /// <summary>The role a present participant joined with, if present. Call with the room's gate held.</summary>
    public ParticipantRole? RoleOf(string room, string participant) =>
        _rooms.TryGetValue(room, out var members) && members.TryGetValue(participant, out var m) ? m.Role : null;
}
