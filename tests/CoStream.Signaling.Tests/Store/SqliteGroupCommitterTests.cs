using CoStream.Signaling.Store;
using Microsoft.Data.Sqlite;

namespace CoStream.Signaling.Tests.Store;

public sealed class SqliteGroupCommitterTests
{
    [Fact]
    public async Task FailingWrite_IsRolledBackAlone_AndTheOthersCommit()
    {
        var directory = Directory.CreateTempSubdirectory("costream-committer-").FullName;
        try
        {
            var path = Path.Combine(directory, "t.db");
            await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                await connection.OpenAsync();
                await connection.Command("CREATE TABLE t (x INTEGER UNIQUE, note TEXT)").ExecuteNonQueryAsync();
                await using var committer = new SqliteGroupCommitter(connection);

                // 100 writes queued at once (they share batches); write 50 inserts a row and then
                // breaks the unique constraint, so its savepoint — both of its statements — is undone.
                var writes = Enumerable.Range(0, 100).Select(i => committer.WriteAsync((c, tx) =>
                {
                    c.Command("INSERT INTO t (x, note) VALUES ($x, 'ok')", tx).With("$x", i + 1000).ExecuteNonQuery();
                    if (i == 50) c.Command("INSERT INTO t (x, note) VALUES (1000, 'dup')", tx).ExecuteNonQuery();
                    return i;
                })).ToList();

                var failed = await Assert.ThrowsAsync<SqliteException>(() => writes[50]);
                Assert.Equal(19, failed.SqliteErrorCode); // SQLITE_CONSTRAINT
                foreach (var (write, i) in writes.Select((w, i) => (w, i)).Where(p => p.i != 50))
                    Assert.Equal(i, await write);
            }
            await using var check = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            await check.OpenAsync();
            Assert.Equal(99L, (long)(await check.Command("SELECT count(*) FROM t").ExecuteScalarAsync())!);
            Assert.Equal(0L, (long)(await check.Command("SELECT count(*) FROM t WHERE x = 1050").ExecuteScalarAsync())!);
        }
        finally { Directory.Delete(directory, recursive: true); }
    }
}
