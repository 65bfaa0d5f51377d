using System.Text.Json;
using System.Threading.Channels;
using CoStream.Sfu.Timing;

namespace CoStream.Signaling.Rooms;

/// <summary>
/// A room's ordered event log. <see cref="Append"/> is called under the room's <see cref="Gate"/> together with
/// the state change it reports, so the order of sequence numbers is the order of changes. Events are kept in a
/// ring of the most recent <see cref="Capacity"/> for replay to late joiners, and handed to one pump that
/// delivers them, in order, to the room's SignalR group and to in-process listeners (the mixer).
/// </summary>
public sealed class RoomEventLog
{
    public const int Capacity = 1024;

    private readonly RoomEvent?[] _ring = new RoomEvent?[Capacity];
    private readonly Channel<RoomEvent> _outbound = Channel.CreateUnbounded<RoomEvent>(new UnboundedChannelOptions { SingleReader = true });
    private long _lastSeq;

    public RoomEventLog(string room, RoomMediaClock clock)
    {
        Room = room;
        Clock = clock;
    }

    public string Room { get; }
    public RoomMediaClock Clock { get; }

    /// <summary>Held while a room's state changes and its event is appended.</summary>
    public object Gate { get; } = new();

    public long LastSeq => Volatile.Read(ref _lastSeq);

    /// <summary>Events waiting for the pump.</summary>
    internal ChannelReader<RoomEvent> Outbound => _outbound.Reader;

    /// <summary>Stamps, numbers, keeps and queues one event. Call with <see cref="Gate"/> held.</summary>
    public RoomEvent Append<T>(string kind, string? actor, T data, long? mediaClockMs = null)
    {
        if (!Monitor.IsEntered(Gate)) throw new InvalidOperationException("append under the room's gate");
        var element = JsonSerializer.SerializeToElement(data, RoomEventPayloads.Options);
        var evt = new RoomEvent(_lastSeq + 1, Room, kind, mediaClockMs ?? Clock.NowMs, DateTimeOffset.UtcNow, actor, element);
        _ring[evt.Seq % Capacity] = evt;
        Volatile.Write(ref _lastSeq, evt.Seq);
        _outbound.Writer.TryWrite(evt);
        return evt;
    }

    /// <summary>
    /// The kept events after <paramref name="afterSeq"/>, oldest first; <c>complete</c> is false when some were
    /// already overwritten (the joiner then relies on the state snapshot).
    /// </summary>
    public IReadOnlyList<RoomEvent> After(long afterSeq, out bool complete)
    {
        lock (Gate)
        {
            var last = _lastSeq;
            var from = Math.Max(afterSeq, 0) + 1;
            var oldestKept = Math.Max(1, last - Capacity + 1);
            complete = from >= oldestKept || last == 0;
            from = Math.Max(from, oldestKept);
            var list = new List<RoomEvent>((int)Math.Max(0, last - from + 1));
            for (var s = from; s <= last; s++) list.Add(_ring[s % Capacity]!);
            return list;
        }
    }

    internal void Complete() => _outbound.Writer.TryComplete();
}

/// <summary>JSON settings for event payloads (web defaults: camelCase).</summary>
public static class RoomEventPayloads
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
