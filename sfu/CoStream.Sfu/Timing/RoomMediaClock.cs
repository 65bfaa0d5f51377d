using System.Collections.Concurrent;
using System.Diagnostics;

namespace CoStream.Sfu.Timing;

/// <summary>
/// A room's media clock: whole milliseconds since the room's epoch (the instant this process first
/// opened the room), read from the monotonic <see cref="Stopwatch"/>; never goes back, never jumps
/// with the wall clock. Every room event is stamped with it, the SFU's arrival times convert to it,
/// and the mixer writes its output timestamps on it, so an event stamped <c>t</c> belongs on the
/// output frame whose timestamp is <c>t</c>. See docs/protocols.md, "The room media clock".
/// </summary>
public sealed class RoomMediaClock
{
    private readonly long _epochTicks;

    public RoomMediaClock(string room, long epochStopwatchTicks)
    {
        Room = room;
        _epochTicks = epochStopwatchTicks;
        EpochUtc = DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(epochStopwatchTicks);
    }

    public string Room { get; }

    /// <summary>The wall-clock instant of media time 0 (for display and logs only; never used to order).</summary>
    public DateTimeOffset EpochUtc { get; }

    /// <summary>The epoch as a <see cref="Stopwatch.GetTimestamp"/> value.</summary>
    public long EpochStopwatchTicks => _epochTicks;

    /// <summary>Media time now, in milliseconds.</summary>
    public long NowMs => ToMediaMs(Stopwatch.GetTimestamp());

    /// <summary>Converts a <see cref="Stopwatch.GetTimestamp"/> value (e.g. a packet's arrival) to media milliseconds.</summary>
    public long ToMediaMs(long stopwatchTicks) =>
        (long)Math.Floor((stopwatchTicks - _epochTicks) * 1000.0 / Stopwatch.Frequency);

    /// <summary>Converts media milliseconds back to a <see cref="Stopwatch.GetTimestamp"/> value.</summary>
    public long ToStopwatchTicks(long mediaMs) => _epochTicks + mediaMs * Stopwatch.Frequency / 1000;
}

/// <summary>The process's room clocks: one per room, created on first use and kept for the process's life.</summary>
public sealed class RoomMediaClocks
{
    private readonly ConcurrentDictionary<string, RoomMediaClock> _clocks = new(StringComparer.Ordinal);

    public RoomMediaClock Get(string room) =>
        _clocks.GetOrAdd(room, static r => new RoomMediaClock(r, Stopwatch.GetTimestamp()));

    public bool TryGet(string room, out RoomMediaClock clock) => _clocks.TryGetValue(room, out clock!);
}
