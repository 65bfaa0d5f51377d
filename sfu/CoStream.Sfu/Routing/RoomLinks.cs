namespace CoStream.Sfu.Routing;

/// <summary>One participant of another room whose tracks a room's subscribers also receive (a cross-room PK).</summary>
internal readonly record struct LinkedSource(string Room, string Participant);

/// <summary>
/// Which rooms' subscribers also receive which participants of other rooms (cross-room PK): a directed table
/// "watcher room ← (source room, source participant)". Kept by room id, not by <see cref="Room"/> object, because a
/// room that empties is forgotten and made anew when someone comes back; a link outlives that. Loop thread only.
/// </summary>
internal sealed class RoomLinks
{
    private static readonly List<LinkedSource> None = [];
    private readonly Dictionary<string, List<LinkedSource>> _sourcesByWatcher = new(StringComparer.Ordinal);

    public bool Add(string watcherRoom, LinkedSource source)
    {
        if (!_sourcesByWatcher.TryGetValue(watcherRoom, out var list)) _sourcesByWatcher[watcherRoom] = list = [];
        if (list.Contains(source)) return false;
        list.Add(source);
        return true;
    }

    /// <summary>Removes every link by which <paramref name="watcherRoom"/> receives from <paramref name="sourceRoom"/>.</summary>
    public int Remove(string watcherRoom, string sourceRoom)
    {
        if (!_sourcesByWatcher.TryGetValue(watcherRoom, out var list)) return 0;
        var removed = list.RemoveAll(s => s.Room == sourceRoom);
        if (list.Count == 0) _sourcesByWatcher.Remove(watcherRoom);
        return removed;
    }

    public IReadOnlyList<LinkedSource> SourcesOf(string watcherRoom) => _sourcesByWatcher.GetValueOrDefault(watcherRoom) ?? None;

    public bool Includes(string watcherRoom, string sourceRoom, string sourceParticipant) =>
        _sourcesByWatcher.TryGetValue(watcherRoom, out var list) && list.Contains(new LinkedSource(sourceRoom, sourceParticipant));

    /// <summary>The rooms that receive some participant of <paramref name="sourceRoom"/>.</summary>
    public IEnumerable<string> WatchersOf(string sourceRoom)
    {
        foreach (var (watcher, sources) in _sourcesByWatcher)
            foreach (var s in sources)
                if (s.Room == sourceRoom) { yield return watcher; break; }
    }
}
