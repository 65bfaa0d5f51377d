using System.Text.Json;
using CoStream.Signaling.Commerce;
using Microsoft.Data.Sqlite;
using static CoStream.Signaling.Store.UnixTime;

namespace CoStream.Signaling.Store;

/// <summary>
/// The default <see cref="ICommerceLedger"/>: one SQLite file in WAL mode with synchronous=FULL.
/// Writes go through one writer connection (SQLite admits one writer at a time anyway; queueing here
/// is cheaper than spinning on SQLITE_BUSY) with group commit (<see cref="SqliteGroupCommitter"/>):
/// each write runs in its own savepoint of a BEGIN IMMEDIATE transaction, and its method returns only
/// after that transaction committed. Reads use their own pooled connections and do not wait for writers.
/// The queue only serializes use of the writer connection: the business rules hold through the
/// schema's constraints and conditional updates, also when another process writes the same file.
/// </summary>
public sealed partial class SqliteCommerceLedger : ICommerceLedger
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SqliteGroupCommitter _committer;
    private readonly TimeProvider _time;

    private SqliteCommerceLedger(string connectionString, SqliteConnection writer, TimeProvider time)
    {
        _connectionString = connectionString;
        _writer = writer;
        _committer = new SqliteGroupCommitter(writer);
        _time = time;
    }

    /// <summary>Opens (creating if needed) the ledger in the SQLite file at <paramref name="path"/>.</summary>
    public static async Task<SqliteCommerceLedger> OpenAsync(string path, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var connectionString = SqliteLedgerSchema.ConnectionString(path);
        var writer = new SqliteConnection(connectionString);
        try
        {
            await writer.OpenAsync(cancellationToken);
            await writer.Command(SqliteLedgerSchema.WriterPragmas).ExecuteNonQueryAsync(cancellationToken);
            await writer.Command(SqliteLedgerSchema.Create).ExecuteNonQueryAsync(cancellationToken);
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }
        return new SqliteCommerceLedger(connectionString, writer, time ?? TimeProvider.System);
    }

    public async Task<GiftReceipt> RecordGiftAsync(string room, string sender, string giftId, int count,
        string idempotencyKey, long mediaClockMs, CancellationToken cancellationToken = default)
    {
        LedgerArguments.Id(room, nameof(room));
        LedgerArguments.Id(sender, nameof(sender));
        LedgerArguments.Id(giftId, nameof(giftId));
        LedgerArguments.Id(idempotencyKey, nameof(idempotencyKey));
        LedgerArguments.GiftCount(count);
        long atMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var payload = JsonSerializer.Serialize(new GiftPayload(sender, giftId, count), CommerceJsonContext.Default.GiftPayload);

        cancellationToken.ThrowIfCancellationRequested();
        return await _committer.WriteAsync((writer, tx) =>
        {
            long seq = InsertEvent(writer, tx, room, CommerceEventKind.Gift, mediaClockMs, atMs, payload);
            // The unique (room, sender, idempotency_key) decides whether this is the first send: no
            // read-then-write window in which two copies of one retry could both be counted.
            var inserted = writer.Command("""
                INSERT INTO gifts (seq, room, sender, idempotency_key, gift_id, count, media_clock_ms, at_ms)
                VALUES ($seq, $room, $sender, $key, $gift, $count, $clock, $at)
                ON CONFLICT (room, sender, idempotency_key) DO NOTHING
                RETURNING seq
                """, tx)
                .With("$seq", seq).With("$room", room).With("$sender", sender).With("$key", idempotencyKey)
                .With("$gift", giftId).With("$count", count).With("$clock", mediaClockMs).With("$at", atMs)
                .ExecuteScalar();
            if (inserted is null)
            {
                tx.Rollback(SqliteGroupCommitter.Savepoint);
                var original = ReadGift(writer, tx, room, sender, idempotencyKey)
                    ?? throw new InvalidOperationException("gift conflict without a stored gift");
                return new GiftReceipt(original, IsRetry: true);
            }
            return new GiftReceipt(new GiftRecord(seq, room, sender, giftId, count, idempotencyKey, mediaClockMs, ToTime(atMs)), IsRetry: false);
        });
    }

    public async Task<CouponDropResult> DropCouponAsync(string room, string couponId, int inventory,
        DateTimeOffset claimOpensAt, DateTimeOffset claimClosesAt, string? segment, long mediaClockMs,
        CancellationToken cancellationToken = default)
    {
        LedgerArguments.Id(room, nameof(room));
        LedgerArguments.Id(couponId, nameof(couponId));
        LedgerArguments.Drop(inventory, claimOpensAt, claimClosesAt, segment);
        long opensMs = claimOpensAt.ToUnixTimeMilliseconds(), closesMs = claimClosesAt.ToUnixTimeMilliseconds();
        long atMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var payload = JsonSerializer.Serialize(new CouponDroppedPayload(couponId, inventory, opensMs, closesMs, segment),
            CommerceJsonContext.Default.CouponDroppedPayload);

        cancellationToken.ThrowIfCancellationRequested();
        return await _committer.WriteAsync((writer, tx) =>
        {
            long seq = InsertEvent(writer, tx, room, CommerceEventKind.CouponDropped, mediaClockMs, atMs, payload);
            var inserted = writer.Command("""
                INSERT INTO coupons (room, coupon_id, seq, inventory, remaining, opens_ms, closes_ms, segment, media_clock_ms)
                VALUES ($room, $coupon, $seq, $inventory, $inventory, $opens, $closes, $segment, $clock)
                ON CONFLICT (room, coupon_id) DO NOTHING
                RETURNING seq
                """, tx)
                .With("$room", room).With("$coupon", couponId).With("$seq", seq).With("$inventory", inventory)
                .With("$opens", opensMs).With("$closes", closesMs).With("$segment", segment).With("$clock", mediaClockMs)
                .ExecuteScalar();
            if (inserted is null)
            {
                tx.Rollback(SqliteGroupCommitter.Savepoint);
                var existing = ReadCoupon(writer, tx, room, couponId)
                    ?? throw new InvalidOperationException("coupon conflict without a stored coupon");
                return new CouponDropResult(existing, Created: false);
            }
            return new CouponDropResult(new CouponDrop(seq, room, couponId, inventory, inventory, claimOpensAt, claimClosesAt, segment, mediaClockMs), Created: true);
        });
    }

    public async Task<ClaimResult> ClaimCouponAsync(string room, string couponId, string member,
        IReadOnlyCollection<string> memberSegments, string idempotencyKey, DateTimeOffset now,
        long mediaClockMs, CancellationToken cancellationToken = default)
    {
        LedgerArguments.Id(room, nameof(room));
        LedgerArguments.Id(couponId, nameof(couponId));
        LedgerArguments.Id(member, nameof(member));
        LedgerArguments.Id(idempotencyKey, nameof(idempotencyKey));
        ArgumentNullException.ThrowIfNull(memberSegments);
        long nowMs = now.ToUnixTimeMilliseconds();

        cancellationToken.ThrowIfCancellationRequested();
        return await _committer.WriteAsync((writer, tx) =>
        {
            var coupon = ReadCoupon(writer, tx, room, couponId);
            if (coupon is null) return ClaimResult.Refused(ClaimOutcome.NoSuchCoupon, 0);

            // A member's earlier grant answers first: a retry after the window closed or the stock ran
            // out still gets its original grant back.
            var held = ReadGrant(writer, tx, room, couponId, member);
            if (held is not null) return Answer(held, idempotencyKey, coupon.Remaining);

            if (nowMs < coupon.ClaimOpensAt.ToUnixTimeMilliseconds()) return ClaimResult.Refused(ClaimOutcome.NotOpen, coupon.Remaining);
            if (nowMs >= coupon.ClaimClosesAt.ToUnixTimeMilliseconds()) return ClaimResult.Refused(ClaimOutcome.Expired, coupon.Remaining);
            if (coupon.Segment is not null && !memberSegments.Contains(coupon.Segment))
                return ClaimResult.Refused(ClaimOutcome.NotInSegment, coupon.Remaining);

            // Why this cannot oversell: the decrement is one conditional UPDATE that the engine evaluates
            // atomically against the current row (SQLite: under the write lock BEGIN IMMEDIATE took;
            // PostgreSQL: under the row lock, re-checking WHERE after a concurrent update), so it
            // succeeds at most `inventory` times in total; CHECK (remaining >= 0) backs it up. The grant
            // is inserted in the same transaction, so a decrement without its grant never commits, and
            // UNIQUE (room, coupon_id, member) rolls back a second grant to one member together with
            // its decrement. No value read earlier in C# is trusted for the stock.
            var remaining = writer.Command("""
                UPDATE coupons SET remaining = remaining - 1
                WHERE room = $room AND coupon_id = $coupon AND remaining > 0
                RETURNING remaining
                """, tx)
                .With("$room", room).With("$coupon", couponId)
                .ExecuteScalar();
            if (remaining is null) return ClaimResult.Refused(ClaimOutcome.SoldOut, 0);
            int left = Convert.ToInt32(remaining);

            var payload = JsonSerializer.Serialize(new CouponGrantedPayload(couponId, member, left), CommerceJsonContext.Default.CouponGrantedPayload);
            long seq = InsertEvent(writer, tx, room, CommerceEventKind.CouponGranted, mediaClockMs, nowMs, payload);
            var inserted = writer.Command("""
                INSERT INTO coupon_grants (seq, room, coupon_id, member, idempotency_key, at_ms, media_clock_ms)
                VALUES ($seq, $room, $coupon, $member, $key, $at, $clock)
                ON CONFLICT (room, coupon_id, member) DO NOTHING
                RETURNING seq
                """, tx)
                .With("$seq", seq).With("$room", room).With("$coupon", couponId).With("$member", member)
                .With("$key", idempotencyKey).With("$at", nowMs).With("$clock", mediaClockMs)
                .ExecuteScalar();
            if (inserted is null)
            {
                // Another writer granted this member first (possible with several processes): undo our decrement.
                tx.Rollback(SqliteGroupCommitter.Savepoint);
                var other = ReadGrant(writer, tx, room, couponId, member)
                    ?? throw new InvalidOperationException("grant conflict without a stored grant");
                return Answer(other, idempotencyKey, left + 1);
            }
            return new ClaimResult(ClaimOutcome.Granted,
                new CouponGrant(seq, room, couponId, member, idempotencyKey, now, mediaClockMs), left, IsRetry: false);
        });
    }

    private static ClaimResult Answer(CouponGrant held, string idempotencyKey, int remaining) =>
        held.IdempotencyKey == idempotencyKey
            ? new ClaimResult(ClaimOutcome.Granted, held, remaining, IsRetry: true)
            : ClaimResult.Refused(ClaimOutcome.AlreadyClaimed, remaining);

    private static long InsertEvent(SqliteConnection writer, SqliteTransaction tx, string room, string kind, long mediaClockMs, long atMs, string payload) =>
        (long)writer.Command("""
            INSERT INTO events (room, kind, media_clock_ms, at_ms, payload)
            VALUES ($room, $kind, $clock, $at, $payload)
            RETURNING seq
            """, tx)
            .With("$room", room).With("$kind", kind).With("$clock", mediaClockMs).With("$at", atMs).With("$payload", payload)
            .ExecuteScalar()!;

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _committer.DisposeAsync(); // lets queued writes finish
        await _writer.DisposeAsync();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }
}
