using System.Collections.Concurrent;
using System.Diagnostics;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Rooms;

namespace CoStream.Signaling.Commerce;

/// <summary>
/// The coupons a room shows: each dropped coupon until its claim window closes, with the lowest stock
/// any claim reported. Claims do not each make an event (10,000 claims would flood the room): the board
/// appends <c>coupon.stock</c> at most once per <see cref="CommerceOptions.StockIntervalMs"/> per coupon
/// (the first change at once, later ones coalesced into one trailing event) and <c>coupon.soldOut</c>
/// once. The ledger decides every claim; the board only reports. In memory: after a restart the ledger
/// still answers claims, and the first claim of a coupon the board does not know loads it from the ledger
/// (<see cref="TryBeginRecovery"/>), so Join's <c>coupons</c> and the stock events return for it.
/// </summary>
public sealed class CouponBoard(RoomEvents events, CommerceOptions options, ILogger<CouponBoard> log) : IRoomStateContributor
{
    private readonly ConcurrentDictionary<string, Dictionary<string, Coupon>> _rooms = new(StringComparer.Ordinal);
    private long _stockEvents;

    /// <summary><c>coupon.stock</c> events appended so far (all rooms).</summary>
    public long StockEvents => Interlocked.Read(ref _stockEvents);

    private sealed class Coupon(CouponView view)
    {
        public CouponView View = view;
        public int BroadcastRemaining = view.Remaining;
        public long LastStockTimestamp;
        public bool FlushScheduled;
        public bool SoldOutSent;
    }

    /// <summary>Unexpired coupons of the room. Call with the room's gate held.</summary>
    public int OpenCount(string room, long nowUnixMs)
    {
        if (!_rooms.TryGetValue(room, out var coupons)) return 0;
        Prune(coupons, nowUnixMs);
        return coupons.Count;
    }

    /// <summary>Shows a newly dropped (or recovered) coupon. Call with the room's gate held, with its <c>coupon.dropped</c> append if new.</summary>
    public void Add(string room, CouponView coupon)
    {
        var coupons = _rooms.GetOrAdd(room, _ => new Dictionary<string, Coupon>(StringComparer.Ordinal));
        coupons[coupon.CouponId] = new Coupon(coupon);
    }

    /// <summary>
    /// True once per (room, coupon) the board does not show: the caller may then load the coupon from the ledger
    /// (a drop from before a restart) and <see cref="Add"/> it. Call with the room's gate held.
    /// </summary>
    public bool TryBeginRecovery(string room, string couponId)
    {
        if (_rooms.TryGetValue(room, out var coupons) && coupons.ContainsKey(couponId)) return false;
        return _recovering.TryAdd((room, couponId), 0);
    }

    private readonly ConcurrentDictionary<(string, string), byte> _recovering = new();

    /// <summary>
    /// Takes the stock a claim saw. Stock only goes down, so a lower number is news; it is broadcast now,
    /// or folded into the coupon's one pending trailing event.
    /// </summary>
    public void OnStock(RoomEventLog eventLog, string couponId, int remaining)
    {
        lock (eventLog.Gate)
        {
            if (!_rooms.TryGetValue(eventLog.Room, out var coupons) || !coupons.TryGetValue(couponId, out var c)) return;
            if (remaining >= c.View.Remaining) return;
            c.View = c.View with { Remaining = remaining };
            if (remaining == 0)
            {
                AppendSoldOutLocked(eventLog, c);
                return;
            }
            if (c.FlushScheduled) return;
            var interval = TimeSpan.FromMilliseconds(options.StockIntervalMs);
            var since = c.LastStockTimestamp == 0 ? TimeSpan.MaxValue : Stopwatch.GetElapsedTime(c.LastStockTimestamp);
            if (since >= interval)
            {
                AppendStockLocked(eventLog, c);
                return;
            }
            c.FlushScheduled = true;
            _ = FlushLaterAsync(eventLog, c, interval - since);
        }
    }

    private async Task FlushLaterAsync(RoomEventLog eventLog, Coupon c, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay);
            lock (eventLog.Gate)
            {
                c.FlushScheduled = false;
                if (!c.SoldOutSent && c.View.Remaining != c.BroadcastRemaining) AppendStockLocked(eventLog, c);
            }
        }
        catch (Exception e)
        {
            log.LogWarning(e, "room {Room}: coupon {Coupon} stock not broadcast", eventLog.Room, c.View.CouponId);
        }
    }

    private void AppendStockLocked(RoomEventLog eventLog, Coupon c)
    {
        c.BroadcastRemaining = c.View.Remaining;
        c.LastStockTimestamp = Stopwatch.GetTimestamp();
        eventLog.Append(CommerceEventKinds.CouponStock, null, new CouponStockEvent(c.View.CouponId, c.View.Remaining));
        Interlocked.Increment(ref _stockEvents);
    }

    private void AppendSoldOutLocked(RoomEventLog eventLog, Coupon c)
    {
        if (c.SoldOutSent) return;
        c.SoldOutSent = true;
        AppendStockLocked(eventLog, c);
        eventLog.Append(CommerceEventKinds.CouponSoldOut, null, new CouponIdEvent(c.View.CouponId));
    }

    public void Contribute(string room, RoomToken caller, IDictionary<string, object?> state)
    {
        if (!_rooms.TryGetValue(room, out var coupons))
        {
            state["coupons"] = Array.Empty<CouponView>();
            return;
        }
        Prune(coupons, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        state["coupons"] = coupons.Values.Select(c => c.View).OrderBy(v => v.LedgerSeq).ToArray();
    }

    private static void Prune(Dictionary<string, Coupon> coupons, long nowUnixMs)
    {
        List<string>? closed = null;
        foreach (var (id, c) in coupons)
            if (c.View.ClosesAtUnixMs <= nowUnixMs) (closed ??= []).Add(id);
        if (closed is null) return;
        foreach (var id in closed) coupons.Remove(id);
    }
}
