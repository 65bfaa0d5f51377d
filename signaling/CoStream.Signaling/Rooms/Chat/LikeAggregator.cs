using System.Collections.Concurrent;

namespace CoStream.Signaling.Rooms.Chat;

/// <summary>
/// Likes per room, summed between flushes: <see cref="Add"/> is a lock-free increment however many arrive, and
/// <see cref="Flush"/> (on a timer) turns each room's pending likes into one (total, delta) pair, so a like storm
/// becomes one <c>likes</c> event per room per flush interval. Totals live as long as the process.
/// </summary>
public sealed class LikeAggregator
{
    private readonly ConcurrentDictionary<string, RoomLikes> _rooms = new(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="count"/> pending likes to <paramref name="room"/>.</summary>
    public void Add(string room, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Interlocked.Add(ref _rooms.GetOrAdd(room, static _ => new RoomLikes()).Pending, count);
    }

    /// <summary>The room's flushed total (what its members have been told).</summary>
    public long Total(string room) => _rooms.TryGetValue(room, out var r) ? Interlocked.Read(ref r.Total) : 0;

    /// <summary>
    /// Moves every room's pending likes into its total and calls <paramref name="publish"/> once per room that had
    /// any, with (room, new total, delta). <paramref name="publish"/> runs under the room's own lock (take the room
    /// log's gate inside it), so two flushes never interleave one room's totals.
    /// </summary>
    public int Flush(Action<string, long, long> publish)
    {
        var rooms = 0;
        foreach (var (room, likes) in _rooms)
        {
            if (Interlocked.Read(ref likes.Pending) == 0) continue;
            lock (likes)
            {
                var delta = Interlocked.Exchange(ref likes.Pending, 0);
                if (delta == 0) continue;
                var total = Interlocked.Add(ref likes.Total, delta);
                publish(room, total, delta);
                rooms++;
            }
        }
        return rooms;
    }

    private sealed class RoomLikes
    {
        public long Pending;
        public long Total;
    }
}
