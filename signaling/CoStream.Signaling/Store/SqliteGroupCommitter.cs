using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace CoStream.Signaling.Store;

/// <summary>
/// The SQLite ledger's single writer, with group commit: writes queue up, and one loop runs every write
/// waiting at that moment inside one BEGIN IMMEDIATE transaction, each in its own savepoint, then commits
/// once (one fsync for the batch) and only then completes their tasks. A write whose savepoint fails is
/// rolled back alone and fails alone; if the commit fails, every write of the batch fails and none was
/// acknowledged. Under no load a batch is one write, so latency is one commit; under a flood the fsync
/// is shared. A write may still commit after its caller stopped waiting (callers retry with the same
/// idempotency key, which is safe).
/// </summary>
internal sealed class SqliteGroupCommitter : IAsyncDisposable
{
    public const string Savepoint = "write";
    private const int MaxBatch = 256;

    private readonly SqliteConnection _connection;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public SqliteGroupCommitter(SqliteConnection connection)
    {
        _connection = connection;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Runs <paramref name="write"/> in the next batch; completes after that batch committed.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write)
    {
        var pending = new PendingWrite<T>(write);
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(SqliteGroupCommitter));
        return pending.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            try
            {
                using var tx = _connection.BeginTransaction(deferred: false);
                foreach (var pending in batch) pending.Run(_connection, tx);
                tx.Commit();
            }
            catch (Exception error)
            {
                foreach (var pending in batch) pending.Fail(error);
                continue;
            }
            foreach (var pending in batch) pending.Complete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private abstract class PendingWrite
    {
        public abstract void Run(SqliteConnection connection, SqliteTransaction tx);
        public abstract void Complete();
        public abstract void Fail(Exception error);
    }

    private sealed class PendingWrite<T>(Func<SqliteConnection, SqliteTransaction, T> write) : PendingWrite
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;
        private Exception? _error;

        public Task<T> Task => _done.Task;

        public override void Run(SqliteConnection connection, SqliteTransaction tx)
        {
            tx.Save(Savepoint);
            try
            {
                _result = write(connection, tx);
                tx.Release(Savepoint);
            }
            catch (Exception error)
            {
                tx.Rollback(Savepoint);
                tx.Release(Savepoint);
                _error = error;
            }
        }

        public override void Complete()
        {
            if (_error is null) _done.TrySetResult(_result);
            else _done.TrySetException(_error);
        }

        public override void Fail(Exception error) => _done.TrySetException(error);
    }
}
