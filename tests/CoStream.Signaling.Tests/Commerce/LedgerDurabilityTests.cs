using System.Diagnostics;
using System.Reflection;
using CoStream.Signaling.Store;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.Commerce;

/// <summary>
/// A child process floods gifts and prints each acknowledged key; it is SIGKILLed mid-flood; every
/// acknowledged key must then be in the reopened store exactly once. Run on every store below.
/// </summary>
public abstract class LedgerDurabilityTests(ITestOutputHelper output)
{
    private const int AcksBeforeKill = 300;

    /// <summary>The store's name and location for the child: `--ledger-writer STORE LOCATION`.</summary>
    protected abstract Task<(string Store, string Location)> CreateStoreAsync();

    /// <summary>After the kill: whatever a crash of the store itself would add, then reopen it as a restarted server would.</summary>
    protected virtual Task AfterKillAsync() => Task.CompletedTask;

    /// <summary>How many gift rows each idempotency key of the writer's room has in the store.</summary>
    protected abstract Task<Dictionary<string, long>> ReadStoredKeyCountsAsync(string location);

    [Fact]
    public async Task WriterKilledMidFlood_EveryAcknowledgedGiftIsInTheLedgerExactlyOnce()
    {
        var (store, location) = await CreateStoreAsync();
        using var child = StartLedgerWriter(store, location);
        var acked = new List<string>();
        using var safety = new CancellationTokenSource(TimeSpan.FromMinutes(3)); // a hang guard, not a timing assertion
        try
        {
            while (acked.Count < AcksBeforeKill)
            {
                var line = await child.StandardOutput.ReadLineAsync(safety.Token)
                    ?? throw new Xunit.Sdk.XunitException($"writer exited early: {await child.StandardError.ReadToEndAsync()}");
                if (TryParseAck(line, out var key)) acked.Add(key);
            }
            child.Kill(entireProcessTree: true); // SIGKILL, mid-flood: commits are in flight
            // Acks already in the pipe were acknowledged before the kill too. A line cut by the kill
            // has no terminator and is not an ack.
            while (await child.StandardOutput.ReadLineAsync(safety.Token) is { } line)
                if (TryParseAck(line, out var key)) acked.Add(key);
            await child.WaitForExitAsync(safety.Token);
        }
        finally
        {
            if (!child.HasExited) child.Kill(entireProcessTree: true);
        }
        await AfterKillAsync();

        var stored = await ReadStoredKeyCountsAsync(location);
        output.WriteLine($"acknowledged {acked.Count}, stored {stored.Count} (the rest were in flight at the kill)");
        Assert.Equal(acked.Count, acked.Distinct().Count());
        Assert.All(acked, key => Assert.Equal(1, stored.GetValueOrDefault(key)));
        Assert.All(stored.Values, n => Assert.Equal(1, n));
    }

    private static bool TryParseAck(string line, out string key)
    {
        key = line.StartsWith("ack ", StringComparison.Ordinal) && line.EndsWith(';') ? line[4..^1] : "";
        return key.Length > 0;
    }

    private static Process StartLedgerWriter(string store, string location)
    {
        // The test assembly is itself a runnable app (see TestEntryPoint); run it with the same dotnet host.
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Assembly.GetExecutingAssembly().Location, "--ledger-writer", store, location })
            info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the ledger writer");
    }

    protected static async Task<Dictionary<string, long>> ReadKeyCountsAsync(System.Data.Common.DbConnection connection)
    {
        var stored = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var read = connection.CreateCommand();
        read.CommandText = $"SELECT idempotency_key, count(*) FROM gifts WHERE room = '{TestEntryPoint.LedgerWriterRoom}' GROUP BY idempotency_key";
        await using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync()) stored[reader.GetString(0)] = reader.GetInt64(1);
        return stored;
    }
}

public sealed class SqliteLedgerDurabilityTests(ITestOutputHelper output) : LedgerDurabilityTests(output), IAsyncLifetime
{
    private TempLedger _temp = null!;

    public async Task InitializeAsync()
    {
        _temp = await TempLedger.CreateAsync();
        await _temp.Sqlite.DisposeAsync(); // the child process owns the file while it floods
    }

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    protected override Task<(string Store, string Location)> CreateStoreAsync() => Task.FromResult(("sqlite", _temp.DatabasePath));

    protected override async Task<Dictionary<string, long>> ReadStoredKeyCountsAsync(string location)
    {
        // Reopening the ledger recovers the WAL the killed writer left, as a restarted server would.
        await (await SqliteCommerceLedger.OpenAsync(location)).DisposeAsync();
        await using var connection = new SqliteConnection($"Data Source={location};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", (string?)await check.ExecuteScalarAsync());
        return await ReadKeyCountsAsync(connection);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresLedgerDurabilityTests(PostgresServer server, ITestOutputHelper output) : LedgerDurabilityTests(output)
{
    protected override async Task<(string Store, string Location)> CreateStoreAsync()
    {
        var database = await server.CreateDatabaseAsync();
        return ("postgres", server.ConnectionString(database));
    }

    /// <summary>The database server crashes too: stopped without a checkpoint, then recovers from its WAL.</summary>
    protected override Task AfterKillAsync() => server.CrashAndRestartAsync();

    protected override async Task<Dictionary<string, long>> ReadStoredKeyCountsAsync(string location)
    {
        await using var connection = new NpgsqlConnection(location);
        await connection.OpenAsync();
        return await ReadKeyCountsAsync(connection);
    }
}
