using System.Diagnostics;
using CoStream.Signaling.Commerce;
using CoStream.Signaling.Store;
using CoStream.Signaling.Tests.Commerce;
using Npgsql;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.Store;

/// <summary>
/// PostgreSQL group commit of gifts (<see cref="PostgresGiftCommitter"/>): batches spanning rooms, a key twice in
/// one batch, two ledgers (two server processes) writing the same rooms at once, and gifts mixed with claims.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresGiftCommitterTests(PostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task TwoLedgersOnOverlappingRooms_WithDuplicateKeysAndClaims_EachGiftOnce_RoomSequencesGapFree()
    {
        var connectionString = server.ConnectionString(await server.CreateDatabaseAsync());
        await using var a = await PostgresCommerceLedger.OpenAsync(connectionString);
        await using var b = await PostgresCommerceLedger.OpenAsync(connectionString);
        string[] rooms = ["r-a", "r-b", "r-c"];
        foreach (var room in rooms)
            await a.DropCouponAsync(room, "c", 50, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(10), null, 0);

        const int perLedger = 1500;
        var clock = Stopwatch.StartNew();
        // Both ledgers send the same keys (every key is sent by both, so one of each pair is a retry), and the
        // same key also twice within one ledger's queue for every tenth gift; claims take the same room rows meanwhile.
        var sends = new List<Task<GiftReceipt>>();
        foreach (var ledger in new[] { a, b })
            for (var i = 0; i < perLedger; i++)
            {
                var room = rooms[i % rooms.Length];
                sends.Add(ledger.RecordGiftAsync(room, $"u{i % 40}", "rose", 1 + i % 5, $"k{i}", i));
                if (i % 10 == 0) sends.Add(ledger.RecordGiftAsync(room, $"u{i % 40}", "rose", 1 + i % 5, $"k{i}", i));
            }
        var claims = Enumerable.Range(0, 200).Select(m => (m % 2 == 0 ? a : b)
            .ClaimCouponAsync(rooms[m % rooms.Length], "c", $"m{m}", [], $"claim{m}", DateTimeOffset.UtcNow, m)).ToArray();
        var receipts = await Task.WhenAll(sends);
        var claimed = await Task.WhenAll(claims);
        var elapsed = clock.Elapsed;
        var (batches, gifts) = a.GiftCommitStats;
        var (batchesB, giftsB) = b.GiftCommitStats;
        output.WriteLine($"{sends.Count} gift calls from two ledgers in {elapsed.TotalMilliseconds:F0} ms ({sends.Count / elapsed.TotalSeconds:F0}/s); "
            + $"batches {batches + batchesB}, average {(double)(gifts + giftsB) / (batches + batchesB):F1} gifts per commit");

        foreach (var key in receipts.GroupBy(r => (r.Record.Room, r.Record.Sender, r.Record.IdempotencyKey)))
        {
            Assert.Single(key, r => !r.IsRetry);
            Assert.Single(key.Select(r => r.Record.Sequence).Distinct());
        }
        Assert.Equal(perLedger, receipts.Count(r => !r.IsRetry));
        Assert.Equal(150, claimed.Count(c => c.Outcome == ClaimOutcome.Granted));

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var room in rooms)
        {
            // The room's log is numbered 1..N without a gap or a duplicate, and room_logs agrees.
            var seqs = new List<long>();
            await using (var command = new NpgsqlCommand("SELECT seq FROM events WHERE room = @r ORDER BY seq", connection))
            {
                command.Parameters.AddWithValue("r", room);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) seqs.Add(reader.GetInt64(0));
            }
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
            await using var last = new NpgsqlCommand("SELECT last_seq FROM room_logs WHERE room = @r", connection);
            last.Parameters.AddWithValue("r", room);
            Assert.Equal((long)seqs.Count, (long)(await last.ExecuteScalarAsync())!);
            var totals = await a.GetRoomTotalsAsync(room);
            Assert.Equal(perLedger / rooms.Length, totals.GiftSends);
            Assert.Equal(1 + perLedger / rooms.Length + 50, seqs.Count); // drop + gifts + grants
        }
    }

    [Fact]
    public async Task OneRoomGiftFlood_AfterWarmUp_PrintsCommittedGiftsPerSecond()
    {
        await using var ledger = await PostgresCommerceLedger.OpenAsync(server.ConnectionString(await server.CreateDatabaseAsync()));
        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => ledger.RecordGiftAsync("hot", $"u{i % 100}", "rose", 1, $"warm{i}", i)));
        var (batches0, gifts0) = ledger.GiftCommitStats;
        const int count = 10_000;
        var clock = Stopwatch.StartNew();
        var receipts = await Task.WhenAll(Enumerable.Range(0, count).Select(i => ledger.RecordGiftAsync("hot", $"u{i % 100}", "rose", 1, $"k{i}", i)));
        var elapsed = clock.Elapsed;
        var (batches, gifts) = ledger.GiftCommitStats;
        output.WriteLine($"{count} gifts to one room in {elapsed.TotalMilliseconds:F0} ms: {count / elapsed.TotalSeconds:F0} committed gifts/s, "
            + $"{batches - batches0} commits ({(double)(gifts - gifts0) / (batches - batches0):F0} gifts each)");
        Assert.Equal(count, receipts.Select(r => r.Record.Sequence).Distinct().Count());
        Assert.Equal(count + 500, (await ledger.GetRoomTotalsAsync("hot")).GiftSends);
    }
}
