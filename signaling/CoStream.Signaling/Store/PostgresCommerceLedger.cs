using System.Text.Json;
using CoStream.Signaling.Commerce;
using Npgsql;
using static CoStream.Signaling.Store.UnixTime;

namespace CoStream.Signaling.Store;

/// <summary>
/// <see cref="ICommerceLedger"/> on PostgreSQL, for several server processes sharing one store. Each write
/// is one READ COMMITTED transaction on a pooled connection, committed (WAL flushed: synchronous_commit is
/// on by default) before the method returns. Same rules and statements as <see cref="SqliteCommerceLedger"/>;
/// every write transaction takes its room's <c>room_logs</c> row first and a coupon's row second, the one
/// lock order that keeps concurrent drops, claims and gifts free of deadlocks.
/// </summary>
public sealed partial class PostgresCommerceLedger : ICommerceLedger
{
    private readonly NpgsqlDataSource _source;
    private readonly TimeProvider _time;
    private readonly PostgresGiftCommitter _gifts;

    private PostgresCommerceLedger(NpgsqlDataSource source, TimeProvider time)
    {
        _source = source;
        _time = time;
        _gifts = new PostgresGiftCommitter(source);
    }

    /// <summary>Gift transactions committed and the gifts they held (group commit: gifts ÷ batches is the average batch).</summary>
    public (long Batches, long Gifts) GiftCommitStats => _gifts.Stats;

    /// <summary>Connects to the database in <paramref name="connectionString"/> and creates the tables if needed.</summary>
    public static async Task<PostgresCommerceLedger> OpenAsync(string connectionString, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var source = NpgsqlDataSource.Create(connectionString);
        try
        {
            await using var connection = await source.OpenConnectionAsync(cancellationToken);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            await new NpgsqlCommand(PostgresLedgerSchema.Create, connection, tx).ExecuteNonQueryAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
        return new PostgresCommerceLedger(source, time ?? TimeProvider.System);
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
        // Group commit (PostgresGiftCommitter): once queued, the gift commits or fails with its batch; a caller
        // that stops waiting has not been acknowledged and retries with its key.
        return await _gifts.RecordAsync(new PostgresGiftCommitter.Gift(room, sender, giftId, count, idempotencyKey, mediaClockMs, atMs, payload))
            .WaitAsync(cancellationToken);
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

        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        long seq = await InsertEventAsync(connection, tx, room, CommerceEventKind.CouponDropped, mediaClockMs, atMs, payload, cancellationToken);
        var inserted = await Command(connection, tx, """
            INSERT INTO coupons (room, coupon_id, seq, inventory, remaining, opens_ms, closes_ms, segment, media_clock_ms)
            VALUES (@room, @coupon, @seq, @inventory, @inventory, @opens, @closes, @segment, @clock)
            ON CONFLICT (room, coupon_id) DO NOTHING
            RETURNING seq
            """, ("room", room), ("coupon", couponId), ("seq", seq), ("inventory", inventory), ("opens", opensMs),
            ("closes", closesMs), ("segment", segment), ("clock", mediaClockMs)).ExecuteScalarAsync(cancellationToken);
        if (inserted is null)
        {
            await tx.RollbackAsync(cancellationToken);
            var existing = await ReadCouponAsync(connection, room, couponId, cancellationToken)
                ?? throw new InvalidOperationException("coupon conflict without a stored coupon");
            return new CouponDropResult(existing, Created: false);
        }
        await tx.CommitAsync(cancellationToken);
        return new CouponDropResult(new CouponDrop(seq, room, couponId, inventory, inventory, claimOpensAt, claimClosesAt, segment, mediaClockMs), Created: true);
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

        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        // Refusals are decided on committed reads without locks; they only depend on facts that never
        // change back (a grant stays, the window is fixed, stock only goes down).
        var coupon = await ReadCouponAsync(connection, room, couponId, cancellationToken);
        if (coupon is null) return ClaimResult.Refused(ClaimOutcome.NoSuchCoupon, 0);
        var held = await ReadGrantAsync(connection, room, couponId, member, cancellationToken);
        if (held is not null) return Answer(held, idempotencyKey, coupon.Remaining);
        if (nowMs < coupon.ClaimOpensAt.ToUnixTimeMilliseconds()) return ClaimResult.Refused(ClaimOutcome.NotOpen, coupon.Remaining);
        if (nowMs >= coupon.ClaimClosesAt.ToUnixTimeMilliseconds()) return ClaimResult.Refused(ClaimOutcome.Expired, coupon.Remaining);
        if (coupon.Segment is not null && !memberSegments.Contains(coupon.Segment))
            return ClaimResult.Refused(ClaimOutcome.NotInSegment, coupon.Remaining);
        if (coupon.Remaining == 0) return ClaimResult.Refused(ClaimOutcome.SoldOut, 0);

        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        long seq = await NextSequenceAsync(connection, tx, room, cancellationToken);
        // Cannot oversell: UPDATE locks the coupon row and, if another claim changed it meanwhile,
        // re-evaluates `remaining > 0` on the newest version before writing (READ COMMITTED's
        // re-check), so at most `inventory` decrements ever succeed; the grant commits with its
        // decrement or not at all, and UNIQUE (room, coupon_id, member) rolls back a second grant.
        var remaining = await Command(connection, tx, """
            UPDATE coupons SET remaining = remaining - 1
            WHERE room = @room AND coupon_id = @coupon AND remaining > 0
            RETURNING remaining
            """, ("room", room), ("coupon", couponId)).ExecuteScalarAsync(cancellationToken);
        if (remaining is null) return ClaimResult.Refused(ClaimOutcome.SoldOut, 0);
        int left = Convert.ToInt32(remaining);

        var payload = JsonSerializer.Serialize(new CouponGrantedPayload(couponId, member, left), CommerceJsonContext.Default.CouponGrantedPayload);
        await InsertEventAsync(connection, tx, room, seq, CommerceEventKind.CouponGranted, mediaClockMs, nowMs, payload, cancellationToken);
        var inserted = await Command(connection, tx, """
            INSERT INTO coupon_grants (room, seq, coupon_id, member, idempotency_key, at_ms, media_clock_ms)
            VALUES (@room, @seq, @coupon, @member, @key, @at, @clock)
            ON CONFLICT (room, coupon_id, member) DO NOTHING
            RETURNING seq
            """, ("room", room), ("seq", seq), ("coupon", couponId), ("member", member), ("key", idempotencyKey),
            ("at", nowMs), ("clock", mediaClockMs)).ExecuteScalarAsync(cancellationToken);
        if (inserted is null)
        {
            await tx.RollbackAsync(cancellationToken);
            var other = await ReadGrantAsync(connection, room, couponId, member, cancellationToken)
                ?? throw new InvalidOperationException("grant conflict without a stored grant");
            return Answer(other, idempotencyKey, left + 1);
        }
        await tx.CommitAsync(cancellationToken);
        return new ClaimResult(ClaimOutcome.Granted,
            new CouponGrant(seq, room, couponId, member, idempotencyKey, now, mediaClockMs), left, IsRetry: false);
    }

    private static ClaimResult Answer(CouponGrant held, string idempotencyKey, int remaining) =>
        held.IdempotencyKey == idempotencyKey
            ? new ClaimResult(ClaimOutcome.Granted, held, remaining, IsRetry: true)
            : ClaimResult.Refused(ClaimOutcome.AlreadyClaimed, remaining);

    private static async Task<long> NextSequenceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string room, CancellationToken ct) =>
        (long)(await Command(connection, tx, PostgresLedgerSchema.NextSequence, ("room", room)).ExecuteScalarAsync(ct))!;

    private static async Task<long> InsertEventAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string room, string kind,
        long mediaClockMs, long atMs, string payload, CancellationToken ct)
    {
        long seq = await NextSequenceAsync(connection, tx, room, ct);
        await InsertEventAsync(connection, tx, room, seq, kind, mediaClockMs, atMs, payload, ct);
        return seq;
    }

    private static Task<int> InsertEventAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string room, long seq, string kind,
        long mediaClockMs, long atMs, string payload, CancellationToken ct) =>
        Command(connection, tx, """
            INSERT INTO events (room, seq, kind, media_clock_ms, at_ms, payload)
            VALUES (@room, @seq, @kind, @clock, @at, @payload)
            """, ("room", room), ("seq", seq), ("kind", kind), ("clock", mediaClockMs), ("at", atMs), ("payload", payload))
            .ExecuteNonQueryAsync(ct);

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        await _gifts.DisposeAsync();
        await _source.DisposeAsync();
    }
}
