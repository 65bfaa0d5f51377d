using Microsoft.Data.Sqlite;

namespace CoStream.Signaling.Store;

/// <summary>
/// The SQLite ledger's tables and connection settings. The same tables (with BIGSERIAL / BIGINT types)
/// serve a PostgreSQL ledger: every rule lives in a UNIQUE or CHECK constraint, so it holds whatever
/// process or engine writes.
/// </summary>
internal static class SqliteLedgerSchema
{
    /// <summary>Events: the room log, one row per gift, drop and grant; seq orders replay.</summary>
    public const string Create = """
        CREATE TABLE IF NOT EXISTS events (
            seq            INTEGER PRIMARY KEY AUTOINCREMENT,
            room           TEXT    NOT NULL,
            kind           TEXT    NOT NULL,
            media_clock_ms INTEGER NOT NULL,
            at_ms          INTEGER NOT NULL,
            payload        TEXT    NOT NULL);
        CREATE INDEX IF NOT EXISTS events_by_room ON events (room, seq);

        CREATE TABLE IF NOT EXISTS gifts (
            seq             INTEGER PRIMARY KEY REFERENCES events (seq),
            room            TEXT    NOT NULL,
            sender          TEXT    NOT NULL,
            idempotency_key TEXT    NOT NULL,
            gift_id         TEXT    NOT NULL,
            count           INTEGER NOT NULL CHECK (count > 0),
            media_clock_ms  INTEGER NOT NULL,
            at_ms           INTEGER NOT NULL,
            UNIQUE (room, sender, idempotency_key));

        CREATE TABLE IF NOT EXISTS coupons (
            room           TEXT    NOT NULL,
            coupon_id      TEXT    NOT NULL,
            seq            INTEGER NOT NULL REFERENCES events (seq),
            inventory      INTEGER NOT NULL CHECK (inventory > 0),
            remaining      INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= inventory),
            opens_ms       INTEGER NOT NULL,
            closes_ms      INTEGER NOT NULL CHECK (closes_ms > opens_ms),
            segment        TEXT,
            media_clock_ms INTEGER NOT NULL,
            PRIMARY KEY (room, coupon_id));

        CREATE TABLE IF NOT EXISTS coupon_grants (
            seq             INTEGER PRIMARY KEY REFERENCES events (seq),
            room            TEXT    NOT NULL,
            coupon_id       TEXT    NOT NULL,
            member          TEXT    NOT NULL,
            idempotency_key TEXT    NOT NULL,
            at_ms           INTEGER NOT NULL,
            media_clock_ms  INTEGER NOT NULL,
            UNIQUE (room, coupon_id, member),
            FOREIGN KEY (room, coupon_id) REFERENCES coupons (room, coupon_id));
        """;

    public static string ConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>
    /// WAL lets readers run beside the writer; synchronous=FULL fsyncs the WAL at every commit, so a
    /// commit that returned is on disk (NORMAL, WAL's usual partner, may lose the last commits on power loss).
    /// busy_timeout makes a second process's writer wait for the lock instead of failing.
    /// </summary>
    public const string WriterPragmas = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        PRAGMA busy_timeout = 30000;
        PRAGMA foreign_keys = ON;
        """;

    public const string ReaderPragmas = "PRAGMA busy_timeout = 30000;";
}
