using CoStream.Signaling.Commerce;
using Npgsql;
using static CoStream.Signaling.Store.UnixTime;

namespace CoStream.Signaling.Store;

/// <summary>The PostgreSQL ledger's read side: totals, coupons and grants, and the room log for replay.</summary>
public sealed partial class PostgresCommerceLedger
{
    public async Task<RoomLedgerTotals> GetRoomTotalsAsync(string room, CancellationToken cancellationToken = default)
    {
        LedgerArguments.Id(room, nameof(room));
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        // REPEATABLE READ: the three queries read one snapshot.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var byGift = new Dictionary<string, long>(StringComparer.Ordinal);
        long sends = 0, units = 0;
        await using (var reader = await Command(connection, tx,
                         "SELECT gift_id, count(*), sum(count) FROM gifts WHERE room = @room GROUP BY gift_id", ("room", room))
                         .ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                byGift[reader.GetString(0)] = reader.GetInt64(2);
                sends += reader.GetInt64(1);
                units += reader.GetInt64(2);
            }
        }
        long granted = (long)(await Command(connection, tx, "SELECT count(*) FROM coupon_grants WHERE room = @room", ("room", room))
            .ExecuteScalarAsync(cancellationToken))!;
        long last = (long)(await Command(connection, tx, "SELECT coalesce(max(seq), 0) FROM events WHERE room = @room", ("room", room))
            .ExecuteScalarAsync(cancellationToken))!;
        await tx.CommitAsync(cancellationToken);
        return new RoomLedgerTotals(room, sends, units, byGift, granted, last);
    }

    public async Task<CouponDrop?> GetCouponAsync(string room, string couponId, CancellationToken cancellationToken = default)
    {
        LedgerArguments.Id(room, nameof(room));
        LedgerArguments.Id(couponId, nameof(couponId));
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        return await ReadCouponAsync(connection, room, couponId, cancellationToken);
    }

    public async Task<IReadOnlyList<CouponGrant>> GetGrantsAsync(string room, string couponId, CancellationToken cancellationToken = default)
    {
        LedgerArguments.Id(room, nameof(room));
        LedgerArguments.Id(couponId, nameof(couponId));
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var reader = await Command(connection, null,
            $"SELECT {GrantColumns} FROM coupon_grants WHERE room = @room AND coupon_id = @coupon ORDER BY seq",
            ("room", room), ("coupon", couponId)).ExecuteReaderAsync(cancellationToken);
        var grants = new List<CouponGrant>();
        while (await reader.ReadAsync(cancellationToken)) grants.Add(ToGrant(reader));
        return grants;
    }

    public async Task<IReadOnlyList<CommerceEvent>> GetEventsAfterAsync(string room, long afterSequence, int limit,
        CancellationToken cancellationToken = default)
    {
        LedgerArguments.Id(room, nameof(room));
        limit = Math.Clamp(limit, 0, SqliteCommerceLedger.MaxEventsPerRead);
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var reader = await Command(connection, null, """
            SELECT seq, room, kind, media_clock_ms, at_ms, payload FROM events
            WHERE room = @room AND seq > @after ORDER BY seq LIMIT @limit
            """, ("room", room), ("after", afterSequence), ("limit", limit)).ExecuteReaderAsync(cancellationToken);
        var events = new List<CommerceEvent>();
        while (await reader.ReadAsync(cancellationToken))
            events.Add(new CommerceEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                reader.GetInt64(3), ToTime(reader.GetInt64(4)), reader.GetString(5)));
        return events;
    }

    internal static async Task<GiftRecord?> ReadGiftAsync(NpgsqlConnection connection, string room, string sender, string idempotencyKey, CancellationToken ct)
    {
        await using var reader = await Command(connection, null, """
            SELECT seq, gift_id, count, media_clock_ms, at_ms FROM gifts
            WHERE room = @room AND sender = @sender AND idempotency_key = @key
            """, ("room", room), ("sender", sender), ("key", idempotencyKey)).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new GiftRecord(reader.GetInt64(0), room, sender, reader.GetString(1), reader.GetInt32(2), idempotencyKey,
                reader.GetInt64(3), ToTime(reader.GetInt64(4)))
            : null;
    }

    private static async Task<CouponDrop?> ReadCouponAsync(NpgsqlConnection connection, string room, string couponId, CancellationToken ct)
    {
        await using var reader = await Command(connection, null, """
            SELECT seq, inventory, remaining, opens_ms, closes_ms, segment, media_clock_ms FROM coupons
            WHERE room = @room AND coupon_id = @coupon
            """, ("room", room), ("coupon", couponId)).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new CouponDrop(reader.GetInt64(0), room, couponId, reader.GetInt32(1), reader.GetInt32(2),
                ToTime(reader.GetInt64(3)), ToTime(reader.GetInt64(4)), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt64(6))
            : null;
    }

    private const string GrantColumns = "seq, room, coupon_id, member, idempotency_key, at_ms, media_clock_ms";

    private static async Task<CouponGrant?> ReadGrantAsync(NpgsqlConnection connection, string room, string couponId, string member, CancellationToken ct)
    {
        await using var reader = await Command(connection, null,
            $"SELECT {GrantColumns} FROM coupon_grants WHERE room = @room AND coupon_id = @coupon AND member = @member",
            ("room", room), ("coupon", couponId), ("member", member)).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ToGrant(reader) : null;
    }

    private static CouponGrant ToGrant(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            ToTime(reader.GetInt64(5)), reader.GetInt64(6));
}
