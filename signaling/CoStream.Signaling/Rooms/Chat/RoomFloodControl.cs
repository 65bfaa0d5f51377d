using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace CoStream.Signaling.Rooms.Chat;

/// <summary>
/// Room-wide flood control for comments: each room may broadcast up to <see cref="Limit"/> comments (a token bucket,
/// so a short burst passes whole). Beyond it a comment is still accepted and acknowledged to its sender, but left out
/// of the broadcast and counted: under a flood the room shows a steady sample of
/// <see cref="RateLimit.PerSecond"/> comments a second, taken in arrival order, and never queues a backlog.
/// The anchor's comments bypass it (<see cref="Admit"/> with <c>priority</c>). Thread-safe; the clock is the caller's.
/// </summary>
public sealed class RoomFloodControl(RateLimit limit)
{
    private readonly KeyedRateLimiter _rooms = new(limit);
    private readonly ConcurrentDictionary<string, StrongBox<long>> _dropped = new(StringComparer.Ordinal);

    public RateLimit Limit => _rooms.Limit;

    /// <summary>True when the comment goes out to the room; false when it is sampled out (and counted).</summary>
    public bool Admit(string room, long nowMs, bool priority = false)
    {
        if (priority)
        {
            // Spends the budget if there is some (so the anchor's comments count towards the room's rate) but never waits for it.
            _rooms.TryAcquire(room, nowMs);
            return true;
        }
        if (_rooms.TryAcquire(room, nowMs)) return true;
        Interlocked.Increment(ref _dropped.GetOrAdd(room, static _ => new StrongBox<long>()).Value);
        return false;
    }

    /// <summary>Comments of <paramref name="room"/> accepted but left out of the broadcast so far.</summary>
    public long Dropped(string room) => _dropped.TryGetValue(room, out var box) ? Interlocked.Read(ref box.Value) : 0;

    /// <inheritdoc cref="KeyedRateLimiter.Sweep"/>
    public int Sweep(long nowMs, long idleMs) => _rooms.Sweep(nowMs, idleMs);
}
