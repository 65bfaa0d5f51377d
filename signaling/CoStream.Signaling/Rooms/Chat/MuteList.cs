using System.Collections.Concurrent;

namespace CoStream.Signaling.Rooms.Chat;

/// <summary>
/// Who may not comment in which room, and until when (milliseconds on the caller's clock). Expired entries count as
/// not muted and are removed when next looked at or by <see cref="Sweep"/>. Thread-safe.
/// </summary>
public sealed class MuteList
{
    private readonly ConcurrentDictionary<(string Room, string Participant), long> _until = new();

    public int Count => _until.Count;

    public void Mute(string room, string participant, long untilMs) => _until[(room, participant)] = untilMs;

    /// <summary>Lifts a mute; false when the participant was not muted.</summary>
    public bool Unmute(string room, string participant, long nowMs) =>
        _until.TryRemove((room, participant), out var until) && until > nowMs;

    public bool IsMuted(string room, string participant, long nowMs, out long untilMs)
    {
        if (_until.TryGetValue((room, participant), out untilMs))
        {
            if (untilMs > nowMs) return true;
            _until.TryRemove(new KeyValuePair<(string, string), long>((room, participant), untilMs));
        }
        untilMs = 0;
        return false;
    }

    /// <summary>The room's current mutes (participant → until).</summary>
    public IReadOnlyDictionary<string, long> InRoom(string room, long nowMs) =>
        _until.Where(e => e.Key.Room == room && e.Value > nowMs).ToDictionary(e => e.Key.Participant, e => e.Value, StringComparer.Ordinal);

    /// <summary>Rooms that have at least one entry.</summary>
    public IEnumerable<string> Rooms() => _until.Keys.Select(k => k.Room).Distinct(StringComparer.Ordinal).ToList();

    public int Sweep(long nowMs)
    {
        var removed = 0;
        foreach (var (key, until) in _until)
            if (until <= nowMs && _until.TryRemove(new KeyValuePair<(string, string), long>(key, until))) removed++;
        return removed;
    }
}
