using System.Threading.Channels;
using CoStream.Signaling.Commerce;
using Npgsql;
using static CoStream.Signaling.Store.UnixTime;

namespace CoStream.Signaling.Store;

/// <summary>
/// Group commit of gifts for <see cref="PostgresCommerceLedger"/>: the gifts waiting when the writer comes round
/// (up to <see cref="MaxBatch"/>) go into one transaction of four round trips whatever its size — lock the rooms'
/// <c>room_logs</c> rows (ordinal order), read which keys are already stored, insert the new events and gifts
/// with their numbers from arrays (<c>unnest</c>), commit — and are acknowledged together after that one commit.
/// One room's gifts serialize on its row anyway; taking it once per batch instead of once per gift turns a convoy
/// of lock waits and WAL flushes into one of each. Every gift writer takes the room row first, so the key check
/// after the lock cannot race; the UNIQUE key constraint still backs it (a violation fails the batch, unacknowledged).
/// Rooms in one order keep two processes' batches from deadlocking; a deadlock or serialization failure with
/// other writers retries the batch.
/// </summary>
internal sealed class PostgresGiftCommitter : IAsyncDisposable
{
    public const int MaxBatch = 256;
    private const int Attempts = 3;

    private readonly NpgsqlDataSource _source;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private long _batches, _gifts;

    public PostgresGiftCommitter(NpgsqlDataSource source)
    {
        _source = source;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Committed transactions and the gifts they held (for the average batch size).</summary>
    public (long Batches, long Gifts) Stats => (Interlocked.Read(ref _batches), Interlocked.Read(ref _gifts));

    public sealed record Gift(string Room, string Sender, string GiftId, int Count, string Key, long MediaClockMs, long AtMs, string Payload);

    private sealed record Pending(Gift Gift, TaskCompletionSource<GiftReceipt> Done);

    /// <summary>Queues a gift; completes after the transaction holding it committed (or failed).</summary>
    public Task<GiftReceipt> RecordAsync(Gift gift)
    {
        var done = new TaskCompletionSource<GiftReceipt>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(gift, done))) throw new ObjectDisposedException(nameof(PostgresCommerceLedger));
        return done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            // Rooms in one order for every batch (stable: a sender's gifts keep their order).
            var ordered = batch.OrderBy(p => p.Gift.Room, StringComparer.Ordinal).ToList();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var receipts = await WriteBatchAsync(ordered);
                    Interlocked.Increment(ref _batches);
                    Interlocked.Add(ref _gifts, ordered.Count);
                    for (var i = 0; i < ordered.Count; i++) ordered[i].Done.TrySetResult(receipts[i]);
                    break;
                }
                catch (PostgresException e) when (attempt < Attempts && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
                {
                }
                catch (Exception e)
                {
                    // Not acknowledged: the callers retry with their keys (a commit whose answer was lost counts once).
                    foreach (var p in ordered) p.Done.TrySetException(e);
                    break;
                }
            }
        }
    }

    private async Task<GiftReceipt[]> WriteBatchAsync(List<Pending> batch)
    {
        await using var connection = await _source.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();

        // 1. Lock the batch's rooms' log rows, in ordinal order, and read where each room's numbering stands.
        //    Every gift write of every process takes its room's row first, so from here until the commit no
        //    one else can add a gift (or a sequence number) to these rooms.
        var rooms = batch.Select(p => p.Gift.Room).Distinct(StringComparer.Ordinal).ToList(); // already ordered
        var lastSeq = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var lockRooms = new NpgsqlBatch(connection, tx))
        {
            foreach (var room in rooms)
            {
                var command = new NpgsqlBatchCommand("""
                    INSERT INTO room_logs (room, last_seq) VALUES (@room, 0)
                    ON CONFLICT (room) DO UPDATE SET last_seq = room_logs.last_seq
                    RETURNING room, last_seq
                    """);
                command.Parameters.AddWithValue("room", room);
                lockRooms.BatchCommands.Add(command);
            }
            await using var reader = await lockRooms.ExecuteReaderAsync();
            do
            {
                while (await reader.ReadAsync()) lastSeq[reader.GetString(0)] = reader.GetInt64(1);
            } while (await reader.NextResultAsync());
        }

        // 2. Keys already stored (retries of gifts committed earlier): read after the locks, so none can be in flight.
        var stored = new Dictionary<(string, string, string), GiftRecord>();
        await using (var existing = new NpgsqlCommand("""
            SELECT g.room, g.sender, g.idempotency_key, g.seq, g.gift_id, g.count, g.media_clock_ms, g.at_ms
            FROM gifts g JOIN unnest(@rooms, @senders, @keys) AS k(room, sender, key)
              ON g.room = k.room AND g.sender = k.sender AND g.idempotency_key = k.key
            """, connection, tx))
        {
            existing.Parameters.AddWithValue("rooms", batch.Select(p => p.Gift.Room).ToArray());
            existing.Parameters.AddWithValue("senders", batch.Select(p => p.Gift.Sender).ToArray());
            existing.Parameters.AddWithValue("keys", batch.Select(p => p.Gift.Key).ToArray());
            await using var reader = await existing.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                stored[(reader.GetString(0), reader.GetString(1), reader.GetString(2))] = new GiftRecord(reader.GetInt64(3),
                    reader.GetString(0), reader.GetString(1), reader.GetString(4), reader.GetInt32(5), reader.GetString(2),
                    reader.GetInt64(6), ToTime(reader.GetInt64(7)));
        }

        // 3. Number the new gifts; a key seen twice in the batch is one gift and a retry of it.
        var receipts = new GiftReceipt[batch.Count];
        var fresh = new List<GiftRecord>(batch.Count);
        var payloads = new List<string>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var g = batch[i].Gift;
            var key = (g.Room, g.Sender, g.Key);
            if (stored.TryGetValue(key, out var original))
            {
                receipts[i] = new GiftReceipt(original, IsRetry: true);
                continue;
            }
            var record = new GiftRecord(++CollectionsMarshalRef(lastSeq, g.Room), g.Room, g.Sender, g.GiftId, g.Count, g.Key, g.MediaClockMs, ToTime(g.AtMs));
            stored[key] = record;
            fresh.Add(record);
            payloads.Add(g.Payload);
            receipts[i] = new GiftReceipt(record, IsRetry: false);
        }

        // 4. One round trip for the rows: events, gifts (UNIQUE keys still checked by the engine), room numbering.
        if (fresh.Count > 0)
        {
            await using var write = new NpgsqlBatch(connection, tx);
            var events = new NpgsqlBatchCommand("""
                INSERT INTO events (room, seq, kind, media_clock_ms, at_ms, payload)
                SELECT r, s, @kind, c, a, p FROM unnest(@rooms, @seqs, @clocks, @ats, @payloads) AS u(r, s, c, a, p)
                """);
            var gifts = new NpgsqlBatchCommand("""
                INSERT INTO gifts (room, seq, sender, idempotency_key, gift_id, count, media_clock_ms, at_ms)
                SELECT * FROM unnest(@rooms, @seqs, @senders, @keys, @gifts, @counts, @clocks, @ats)
                """);
            var rooms2 = fresh.Select(r => r.Room).ToArray();
            var seqs = fresh.Select(r => r.Sequence).ToArray();
            var clocks = fresh.Select(r => r.MediaClockMs).ToArray();
            var ats = fresh.Select(r => r.RecordedAt.ToUnixTimeMilliseconds()).ToArray();
            events.Parameters.AddWithValue("kind", CommerceEventKind.Gift);
            events.Parameters.AddWithValue("rooms", rooms2);
            events.Parameters.AddWithValue("seqs", seqs);
            events.Parameters.AddWithValue("clocks", clocks);
            events.Parameters.AddWithValue("ats", ats);
            events.Parameters.AddWithValue("payloads", payloads.ToArray());
            gifts.Parameters.AddWithValue("rooms", rooms2);
            gifts.Parameters.AddWithValue("seqs", seqs);
            gifts.Parameters.AddWithValue("senders", fresh.Select(r => r.Sender).ToArray());
            gifts.Parameters.AddWithValue("keys", fresh.Select(r => r.IdempotencyKey).ToArray());
            gifts.Parameters.AddWithValue("gifts", fresh.Select(r => r.GiftId).ToArray());
            gifts.Parameters.AddWithValue("counts", fresh.Select(r => r.Count).ToArray());
            gifts.Parameters.AddWithValue("clocks", clocks);
            gifts.Parameters.AddWithValue("ats", ats);
            var numbering = new NpgsqlBatchCommand("""
                UPDATE room_logs SET last_seq = u.s FROM unnest(@rooms, @seqs) AS u(r, s) WHERE room_logs.room = u.r
                """);
            numbering.Parameters.AddWithValue("rooms", lastSeq.Keys.ToArray());
            numbering.Parameters.AddWithValue("seqs", lastSeq.Values.ToArray());
            write.BatchCommands.Add(events);
            write.BatchCommands.Add(gifts);
            write.BatchCommands.Add(numbering);
            await write.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
        return receipts;
    }

    private static ref long CollectionsMarshalRef(Dictionary<string, long> map, string room) =>
        ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(map, room);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // lets queued gifts finish
    }
}
