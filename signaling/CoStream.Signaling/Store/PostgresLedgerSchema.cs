namespace CoStream.Signaling.Store;

/// <summary>
/// The PostgreSQL ledger's tables: the SQLite ledger's tables and constraints, plus <c>room_logs</c>, which
/// numbers each room's events. Sequence numbers come from that row, updated under its row lock until
/// commit, so a room's events commit in sequence order and a replay "after N" never skips one that
/// commits late (a shared SERIAL would allow that under concurrent transactions).
/// </summary>
internal static class PostgresLedgerSchema
{
    public const string Create = """
        SELECT pg_advisory_xact_lock(7403119001);
        CREATE TABLE IF NOT EXISTS room_logs (
            room     TEXT   PRIMARY KEY,
            last_seq BIGINT NOT NULL);

        CREATE TABLE IF NOT EXISTS events (
            room           TEXT   NOT NULL,
            seq            BIGINT NOT NULL,
            kind           TEXT   NOT NULL,
            media_clock_ms BIGINT NOT NULL,
            at_ms          BIGINT NOT NULL,
            payload        TEXT   NOT NULL,
            PRIMARY KEY (room, seq));

        CREATE TABLE IF NOT EXISTS gifts (
            room            TEXT    NOT NULL,
            seq             BIGINT  NOT NULL,
            sender          TEXT    NOT NULL,
            idempotency_key TEXT    NOT NULL,
            gift_id         TEXT    NOT NULL,
            count           INTEGER NOT NULL CHECK (count > 0),
            media_clock_ms  BIGINT  NOT NULL,
            at_ms           BIGINT  NOT NULL,
            PRIMARY KEY (room, seq),
            UNIQUE (room, sender, idempotency_key));

        CREATE TABLE IF NOT EXISTS coupons (
            room           TEXT    NOT NULL,
            coupon_id      TEXT    NOT NULL,
            seq            BIGINT  NOT NULL,
            inventory      INTEGER NOT NULL CHECK (inventory > 0),
            remaining      INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= inventory),
            opens_ms       BIGINT  NOT NULL,
            closes_ms      BIGINT  NOT NULL CHECK (closes_ms > opens_ms),
            segment        TEXT,
            media_clock_ms BIGINT  NOT NULL,
            PRIMARY KEY (room, coupon_id));

        CREATE TABLE IF NOT EXISTS coupon_grants (
            room            TEXT   NOT NULL,
            seq             BIGINT NOT NULL,
            coupon_id       TEXT   NOT NULL,
            member          TEXT   NOT NULL,
            idempotency_key TEXT   NOT NULL,
            at_ms           BIGINT NOT NULL,
            media_clock_ms  BIGINT NOT NULL,
            PRIMARY KEY (room, seq),
            UNIQUE (room, coupon_id, member),
            FOREIGN KEY (room, coupon_id) REFERENCES coupons (room, coupon_id));
        """;

    /// <summary>Takes the next sequence number of a room; the row stays locked until the transaction ends.</summary>
    public const string NextSequence = """
        INSERT INTO room_logs (room, last_seq) VALUES (@room, 1)
        ON CONFLICT (room) DO UPDATE SET last_seq = room_logs.last_seq + 1
        RETURNING last_seq
        """;
}
