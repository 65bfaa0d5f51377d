namespace CoStream.Signaling.Commerce;

/// <summary>
/// The durable record of a room's money events: gifts, coupon drops and coupon grants, plus the
/// room's event log for replay to a late joiner. Every write method returns only after its
/// transaction is committed (an acknowledged write survives a crash), and every write carries a
/// client-supplied idempotency key so a retried call counts once. The rules (one grant per member,
/// never oversold, one record per idempotency key) are enforced by the database's constraints and
/// conditional updates, not by in-process locks, so several server processes may share one store.
/// </summary>
public interface ICommerceLedger : IAsyncDisposable
{
    /// <summary>Records a gift send. A retry with the same (room, sender, key) returns the original record.</summary>
    Task<GiftReceipt> RecordGiftAsync(string room, string sender, string giftId, int count,
        string idempotencyKey, long mediaClockMs, CancellationToken cancellationToken = default);

    /// <summary>Drops a coupon into a room. Dropping an existing coupon id again returns the existing drop.</summary>
    Task<CouponDropResult> DropCouponAsync(string room, string couponId, int inventory,
        DateTimeOffset claimOpensAt, DateTimeOffset claimClosesAt, string? segment, long mediaClockMs,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims one coupon for a member. <paramref name="memberSegments"/> are the audience segments the
    /// caller belongs to (from its token); a coupon with a segment is granted only to its members.
    /// </summary>
    Task<ClaimResult> ClaimCouponAsync(string room, string couponId, string member,
        IReadOnlyCollection<string> memberSegments, string idempotencyKey, DateTimeOffset now,
        long mediaClockMs, CancellationToken cancellationToken = default);

    Task<RoomLedgerTotals> GetRoomTotalsAsync(string room, CancellationToken cancellationToken = default);

    Task<CouponDrop?> GetCouponAsync(string room, string couponId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<CouponGrant>> GetGrantsAsync(string room, string couponId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The room's events with a sequence number above <paramref name="afterSequence"/>, oldest first.
    /// Sequence numbers increase within a room but are not contiguous (they are shared by all rooms).
    /// </summary>
    Task<IReadOnlyList<CommerceEvent>> GetEventsAfterAsync(string room, long afterSequence, int limit,
        CancellationToken cancellationToken = default);
}
