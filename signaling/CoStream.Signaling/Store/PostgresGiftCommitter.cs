using System.Threading.Channels;
using CoStream.Signaling.Commerce;
using Npgsql;
using static CoStream.Signaling.Store.UnixTime;

namespace CoStream.Signaling.Store;

/// <summary>
/// Group commit of gifts for <see cref="PostgresCommerceLedger"/>: the gifts waiting when the writer comes round
/// (up to <see cref="MaxBatch"/>) go into one transaction, each in its own savepoint, and are acknowledged together
/// after its one commit. One room's gifts all serialize on its <c>room_logs</c> row anyway; taking the row once per
/// batch instead of once per gift turns a convoy of lock waits and WAL flushes into one of each. Within a batch
/// rooms are taken in ordinal order, so batches of two processes cannot deadlock on each other's room rows; a
/// deadlock or serialization failure with other writers retries the batch.
/// </summary>
internal sealed class PostgresGiftCommitter : IAsyncDisposable
{
    public const int MaxBatch = 256;
    private const int Attempts = 3;

    // One statement per gift: the room's next sequence, its event, its gift row (nothing if the key exists).
    private const string InsertGift = """
        WITH s AS (
            INSERT INTO room_logs (room, last_seq) VALUES (@room, 1)
            ON CONFLICT (room) DO UPDATE SET last_seq = room_logs.last_seq + 1
            RETURNING last_seq),
        e AS (
            INSERT INTO events (room, seq, kind, media_clock_ms, at_ms, payload)
            SELECT @room, last_seq, @kind, @clock, @at, @payload FROM s
            RETURNING seq)
        INSERT INTO gifts (room, seq, sender, idempotency_key, gift_id, count, media_clock_ms, at_ms)
        SELECT @room, seq, @sender, @key, @gift, @count, @clock, @at FROM e
        ON CONFLICT (room, sender, idempotency_key) DO NOTHING
        RETURNING seq
        """;

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
        var receipts = new GiftReceipt[batch.Count];
        await using var connection = await _source.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var released = true;
        for (var i = 0; i < batch.Count; i++)
        {
            var g = batch[i].Gift;
            // One round trip: release the previous savepoint, open this gift's, run its statement.
            await using var commands = new NpgsqlBatch(connection, tx);
            if (!released) commands.BatchCommands.Add(new NpgsqlBatchCommand("RELEASE SAVEPOINT gift"));
            commands.BatchCommands.Add(new NpgsqlBatchCommand("SAVEPOINT gift"));
            var insert = new NpgsqlBatchCommand(InsertGift);
            insert.Parameters.AddWithValue("room", g.Room);
            insert.Parameters.AddWithValue("kind", CommerceEventKind.Gift);
            insert.Parameters.AddWithValue("clock", g.MediaClockMs);
            insert.Parameters.AddWithValue("at", g.AtMs);
            insert.Parameters.AddWithValue("payload", g.Payload);
            insert.Parameters.AddWithValue("sender", g.Sender);
            insert.Parameters.AddWithValue("key", g.Key);
            insert.Parameters.AddWithValue("gift", g.GiftId);
            insert.Parameters.AddWithValue("count", g.Count);
            commands.BatchCommands.Add(insert);
            var seq = await commands.ExecuteScalarAsync() is long s ? s : (long?)null;
            if (seq is { } committedSeq)
            {
                released = false;
                receipts[i] = new GiftReceipt(new GiftRecord(committedSeq, g.Room, g.Sender, g.GiftId, g.Count, g.Key, g.MediaClockMs, ToTime(g.AtMs)), IsRetry: false);
                continue;
            }
            // The key exists (committed earlier, by another process, or earlier in this batch): undo this
            // gift's sequence and event, answer with the original.
            await using (var undo = new NpgsqlCommand("ROLLBACK TO SAVEPOINT gift; RELEASE SAVEPOINT gift", connection, tx))
                await undo.ExecuteNonQueryAsync();
            released = true;
            var original = await PostgresCommerceLedger.ReadGiftAsync(connection, g.Room, g.Sender, g.Key, CancellationToken.None)
                ?? throw new InvalidOperationException("gift conflict without a stored gift");
            receipts[i] = new GiftReceipt(original, IsRetry: true);
        }
        await tx.CommitAsync();
        return receipts;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // lets queued gifts finish
    }
}
