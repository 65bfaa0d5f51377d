using System.Diagnostics;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.Commerce;

public sealed class LedgerDurabilityTests(ITestOutputHelper output)
{
    private const int AcksBeforeKill = 300;

    [Fact]
    public async Task WriterKilledMidFlood_EveryAcknowledgedGiftIsInTheLedgerExactlyOnce()
    {
        await using var temp = await TempLedger.CreateAsync();
        await temp.Ledger.DisposeAsync(); // the child process owns the file while it floods

        using var child = StartLedgerWriter(temp.DatabasePath);
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

        // Reopen the file as a restarted server would (this recovers the WAL), then check every ack.
        var stored = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var ledger = await CoStream.Signaling.Store.SqliteCommerceLedger.OpenAsync(temp.DatabasePath))
        {
            var totals = await ledger.GetRoomTotalsAsync(TestEntryPoint.LedgerWriterRoom);
            output.WriteLine($"acknowledged {acked.Count}, stored {totals.GiftSends} (the rest were in flight at the kill)");
            Assert.True(totals.GiftSends >= acked.Count);
        }
        await using (var connection = new SqliteConnection($"Data Source={temp.DatabasePath};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync();
            var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string?)await check.ExecuteScalarAsync());
            var read = connection.CreateCommand();
            read.CommandText = "SELECT idempotency_key, count(*) FROM gifts WHERE room = $room GROUP BY idempotency_key";
            read.Parameters.AddWithValue("$room", TestEntryPoint.LedgerWriterRoom);
            using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync()) stored[reader.GetString(0)] = reader.GetInt64(1);
        }
        Assert.Equal(acked.Count, acked.Distinct().Count());
        Assert.All(acked, key => Assert.Equal(1, stored.GetValueOrDefault(key)));
        Assert.All(stored.Values, n => Assert.Equal(1, n));
    }

    private static bool TryParseAck(string line, out string key)
    {
        key = line.StartsWith("ack ", StringComparison.Ordinal) && line.EndsWith(';') ? line[4..^1] : "";
        return key.Length > 0;
    }

    private static Process StartLedgerWriter(string databasePath)
    {
        // The test assembly is itself a runnable app (see TestEntryPoint); run it with the same dotnet host.
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        info.ArgumentList.Add("--ledger-writer");
        info.ArgumentList.Add(databasePath);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the ledger writer");
    }
}
