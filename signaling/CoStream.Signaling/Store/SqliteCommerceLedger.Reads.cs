using CoStream.Signaling.Commerce;
using Microsoft.Data.Sqlite;
using static CoStream.Signaling.Store.UnixTime;

namespace CoStream.Signaling.Store;

/// <summary>The ledger's read side: totals, coupons and grants, and the room log for replay.</summary>
public sealed partial class SqliteCommerceLedger
{
    public const int MaxEventsPerRead = 1000;

    public async Task<RoomLedgerTotals> GetRoomTotalsAsync(string room, CancellationToken cancellationToken = default)
    {
        LedgerArguments.Id(room, nameof(room));
        await using var connection = await OpenReaderAsync(cancellationToken);
        // One read transaction: the totals come from one snapshot of the WAL.
        using var tx = connection.BeginTransaction(deferred: true);
        var byGift = new Dictionary<string, long>(StringComparer.Ordinal);
        long sends = 0, units = 0;
        using (var reader = connection.Command(
                   "SELECT gift_id, count(*), sum(count) FROM gifts WHERE room = $room GROUP BY gift_id", tx)
                   .With("$room", room).ExecuteReader())
        {
            while (reader.Read())
            {
                byGift[reader.GetString(0)] = reader.GetInt64(2);
                sends += reader.GetInt64(1);
                units += reader.GetInt64(2);
            }
        }
        long granted = (long)connection.Command("SELECT count(*) FROM coupon_grants WHERE room = $room", tx)
            .With("$room", room).ExecuteScalar()!;
        long last = (long)connection.Command("SELECT coalesce(max(seq), 0) FROM events WHERE room = $room", tx)
            .With("$room", room).ExecuteScalar()!;
        return new RoomLedgerTotals(room, sends, units, byGift, granted, last);
    }

    public async Task<CouponDrop?> GetCouponAsync(string room, string couponId, CancellationToken cancellationToken = default)
    {
        LedgerArguments.Id(room, nameof(room));
        LedgerArguments.Id(couponId, nameof(couponId));
        await using var connection = await OpenReaderAsync(cancellationToken);
        return ReadCoupon(connection, null, room, couponId);
    }

    public async Task<IReadOnlyList<CouponGrant>> GetGrantsAsync(string room, string couponId, CancellationToken cancellationToken = default)
    {
        LedgerArguments.Id(room, nameof(room));
        LedgerArguments.Id(couponId, nameof(couponId));
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var reader = connection.Command($"""
            SELECT {GrantColumns} FROM coupon_grants WHERE room = $room AND coupon_id = $coupon ORDER BY seq
            """).With("$room", room).With("$coupon", couponId).ExecuteReader();
        var grants = new List<CouponGrant>();
        while (reader.Read()) grants.Add(ToGrant(reader));
        return grants;
    }

    public async Task<IReadOnlyList<CommerceEvent>> GetEventsAfterAsync(string room, long afterSequence, int limit,
        CancellationToken cancellationToken = default)
    {
        LedgerArguments.Id(room, nameof(room));
        limit = Math.Clamp(limit, 0, MaxEventsPerRead);
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var reader = connection.Command("""
            SELECT seq, room, kind, media_clock_ms, at_ms, payload FROM events
            WHERE room = $room AND seq > $after ORDER BY seq LIMIT $limit
            """).With("$room", room).With("$after", afterSequence).With("$limit", limit).ExecuteReader();
        var events = new List<CommerceEvent>();
        while (reader.Read())
            events.Add(new CommerceEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                reader.GetInt64(3), ToTime(reader.GetInt64(4)), reader.GetString(5)));
        return events;
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await connection.Command(SqliteLedgerSchema.ReaderPragmas).ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private static GiftRecord? ReadGift(SqliteConnection connection, SqliteTransaction? tx, string room, string sender, string idempotencyKey)
    {
        using var reader = connection.Command("""
            SELECT seq, gift_id, count, media_clock_ms, at_ms FROM gifts
            WHERE room = $room AND sender = $sender AND idempotency_key = $key
            """, tx).With("$room", room).With("$sender", sender).With("$key", idempotencyKey).ExecuteReader();
        return reader.Read()
            ? new GiftRecord(reader.GetInt64(0), room, sender, reader.GetString(1), reader.GetInt32(2), idempotencyKey,
                reader.GetInt64(3), ToTime(reader.GetInt64(4)))
            : null;
    }

    private static CouponDrop? ReadCoupon(SqliteConnection connection, SqliteTransaction? tx, string room, string couponId)
    {
        using var reader = connection.Command("""
            SELECT seq, inventory, remaining, opens_ms, closes_ms, segment, media_clock_ms FROM coupons
            WHERE room = $room AND coupon_id = $coupon
            """, tx).With("$room", room).With("$coupon", couponId).ExecuteReader();
        return reader.Read()
            ? new CouponDrop(reader.GetInt64(0), room, couponId, reader.GetInt32(1), reader.GetInt32(2),
                ToTime(reader.GetInt64(3)), ToTime(reader.GetInt64(4)), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt64(6))
            : null;
    }

    private const string GrantColumns = "seq, room, coupon_id, member, idempotency_key, at_ms, media_clock_ms";

    private static CouponGrant? ReadGrant(SqliteConnection connection, SqliteTransaction? tx, string room, string couponId, string member)
    {
        using var reader = connection.Command($"""
            SELECT {GrantColumns} FROM coupon_grants WHERE room = $room AND coupon_id = $coupon AND member = $member
            """, tx).With("$room", room).With("$coupon", couponId).With("$member", member).ExecuteReader();
        return reader.Read() ? ToGrant(reader) : null;
    }

    private static CouponGrant ToGrant(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            ToTime(reader.GetInt64(5)), reader.GetInt64(6));
}
