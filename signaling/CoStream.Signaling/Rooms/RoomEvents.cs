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
public sealed class RoomEvents(SfuServer sfu, IHubContext<RoomHub> hub, ILogger<RoomEvents> log) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, RoomEventLog> _logs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<IRoomEventListener, byte>> _listeners = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _pumps = [];
    private long _delivered;

    /// <summary>Events handed to SignalR (one per event, however many members the group has).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

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
        var group = hub.Clients.Group(RoomHub.GroupOf(eventLog.Room));
        await foreach (var evt in eventLog.Outbound.ReadAllAsync())
        {
            try
            {
                await group.SendAsync("event", evt);
                Interlocked.Increment(ref _delivered);
            }
            catch (Exception e)
            {
                log.LogWarning(e, "room {Room}: event {Seq} not delivered", eventLog.Room, evt.Seq);
            }
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
