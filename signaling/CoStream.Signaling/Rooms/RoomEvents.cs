using System.Collections.Concurrent;
using CoStream.Sfu;
using Microsoft.AspNetCore.SignalR;

namespace CoStream.Signaling.Rooms;

/// <summary>Receives a room's events in order, on the room's pump (e.g. the mixer writing them in-band).</summary>
public interface IRoomEventListener
{
    ValueTask OnRoomEventAsync(RoomEvent evt);
}

/// <summary>
/// The rooms' event logs and their delivery: one <see cref="RoomEventLog"/> per room, one pump task per room
/// that sends each event to the room's <see cref="RoomHub"/> group as an <c>event</c> message and to the
/// registered listeners, strictly in sequence order.
/// </summary>
public sealed class RoomEvents(SfuServer sfu, IHubContext<RoomHub> hub, ILogger<RoomEvents> log, RoomEventsOptions? eventsOptions = null,
    Media.SignalingCounters? counters = null)
    : IAsyncDisposable
{
    private readonly RoomEventsOptions options = eventsOptions ?? new RoomEventsOptions();
    private CancellationTokenSource? _slowClientCts;
    private long _slowClientCtsAt;
    private long _slowSends;
    private readonly ConcurrentDictionary<string, RoomEventLog> _logs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<IRoomEventListener, byte>> _listeners = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _pumps = [];
    private long _delivered;

    /// <summary>Events handed to SignalR (one per event, however many members the group has).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Events that did not reach every member: a blocked member's write was cancelled after SlowClientMs.</summary>
    public long SlowSends => Interlocked.Read(ref _slowSends);

    public RoomEventLog Get(string room) => _logs.GetOrAdd(room, r =>
    {
        var created = new RoomEventLog(r, sfu.Clocks.Get(r));
        _pumps.Add(Task.Run(() => PumpAsync(created)));
        return created;
    });

    public bool TryGet(string room, out RoomEventLog eventLog) => _logs.TryGetValue(room, out eventLog!);

    public IDisposable Listen(string room, IRoomEventListener listener)
    {
        var set = _listeners.GetOrAdd(room, _ => new());
        set[listener] = 0;
        Get(room);
        return new Subscription(() => set.TryRemove(listener, out _));
    }

    private async Task PumpAsync(RoomEventLog eventLog)
    {
        // Each event is written to every member's connection in order when SendAsync is called (SignalR serialises it
        // once and queues it on each connection's write lock, first come first served), so the pump need not wait for
        // one event's delivery before handing over the next: it keeps up to MaxInFlight sends open and only waits
        // when the window is full. When a member's connection stays blocked (it stopped reading) past SlowClientMs, the
        // writes queued for it are cancelled (dropped for that member alone, which sees a seq gap and re-joins; SignalR
        // aborts the connection when the blocked flush itself is cancelled), so one slow member never holds up the room.
        var group = hub.Clients.Group(RoomHub.GroupOf(eventLog.Room));
        var inFlight = new Queue<(Task Send, RoomEvent Evt, long Started)>();
        var reader = eventLog.Outbound;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var evt))
            {
                Task send;
                try { send = group.SendAsync("event", evt, SlowClientToken()); }
                catch (Exception e) { send = Task.FromException(e); }
                if (send.IsCompletedSuccessfully) Interlocked.Increment(ref _delivered);
                else inFlight.Enqueue((send, evt, Environment.TickCount64));
                while (inFlight.Count > 0 && (inFlight.Peek().Send.IsCompleted || inFlight.Count >= options.MaxInFlight))
                    await CompleteAsync(eventLog, inFlight.Dequeue());
                if (_listeners.TryGetValue(eventLog.Room, out var listeners))
                {
                    foreach (var listener in listeners.Keys)
                    {
                        try { await listener.OnRoomEventAsync(evt); }
                        catch (Exception e) { log.LogWarning(e, "room {Room}: listener failed on event {Seq}", eventLog.Room, evt.Seq); }
                    }
                }
            }
        }
        while (inFlight.Count > 0) await CompleteAsync(eventLog, inFlight.Dequeue());
    }

    private async Task CompleteAsync(RoomEventLog eventLog, (Task Send, RoomEvent Evt, long Started) sent)
    {
        try
        {
            await sent.Send;
            Interlocked.Increment(ref _delivered);
        }
        catch (Exception e)
        {
            // A blocked member's queued write cancelled after SlowClientMs, or a failed send.
            Interlocked.Increment(ref _slowSends);
            counters?.Count("room.eventsNotDeliveredToAll");
            log.LogInformation("room {Room}: event {Seq} not delivered to every member after {Ms} ms: {Error}",
                eventLog.Room, sent.Evt.Seq, Environment.TickCount64 - sent.Started, e.GetType().Name);
        }
    }

    /// <summary>A token cancelled SlowClientMs from now (shared by the sends of the same 100 ms, to keep timers few).</summary>
    private CancellationToken SlowClientToken()
    {
        var now = Environment.TickCount64;
        var current = _slowClientCts;
        if (current is null || now - _slowClientCtsAt >= 100)
        {
            current = new CancellationTokenSource(options.SlowClientMs);
            _slowClientCts = current;
            _slowClientCtsAt = now;
        }
        return current.Token;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var l in _logs.Values) l.Complete();
        await Task.WhenAll(_pumps).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _done;
        public void Dispose() { if (Interlocked.Exchange(ref _done, 1) == 0) dispose(); }
    }
}

/// <summary>
/// Delivery settings of <see cref="RoomEvents"/>, configuration keys under <c>Rooms:Events:</c>: <c>SlowClientMs</c>
/// [5000] — how long a member's connection may stay blocked before what is queued for it is dropped; <c>MaxInFlight</c>
/// [4096] — events a room's pump may have handed to SignalR and not yet seen delivered to every member.
/// </summary>
public sealed record RoomEventsOptions
{
    public int SlowClientMs { get; init; } = 5000;
    public int MaxInFlight { get; init; } = 4096;

    public static RoomEventsOptions From(IConfiguration config) => new()
    {
        SlowClientMs = Math.Max(100, config.GetValue("Rooms:Events:SlowClientMs", 5000)),
        MaxInFlight = Math.Max(1, config.GetValue("Rooms:Events:MaxInFlight", 4096)),
    };
}
