using System.Collections.Concurrent;
using System.Security.Cryptography;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Commerce;
using CoStream.Signaling.Store;
using CoStream.Signaling.Tests.Commerce;
using CoStream.Signaling.Tests.E2E;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.Rooms;

/// <summary>
/// The real server process (a child <c>dotnet CoStream.Signaling.dll</c>) is SIGKILLed in the middle of a gift flood
/// from real SignalR clients and started again on the same store: every gift the hub acknowledged is in the ledger
/// exactly once with the sequence it was acknowledged with, and resending the keys that were never acknowledged
/// counts each once. Run on each store below.
/// </summary>
public abstract class RoomCommerceDurabilityTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Room = "durable";
    private const int Senders = 8;
    /// <summary>Calls each sender keeps outstanding (like a client that does not wait for one ack to send the next).</summary>
    private const int Pipelined = 4;
    private const int AcksBeforeKill = 300;

    private readonly string _secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    protected string WorkDirectory { get; } = Directory.CreateTempSubdirectory("costream-host-").FullName;

    /// <summary>The host's store settings (<c>--Commerce:Store:…</c>).</summary>
    protected abstract Task<string[]> StoreSettingsAsync();

    /// <summary>The stored gifts of the room: (sender, key) → (rows, sequence).</summary>
    protected abstract Task<Dictionary<(string Sender, string Key), (long Rows, long Seq)>> ReadStoredGiftsAsync();

    /// <summary>The same store opened as a ledger, as another process would.</summary>
    protected abstract Task<ICommerceLedger> OpenLedgerAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        try { Directory.Delete(WorkDirectory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ServerKilledMidGiftFlood_AcknowledgedGiftsStoredOnce_UnacknowledgedRetriesCountOnce()
    {
        var settings = await StoreSettingsAsync();
        var tokens = new RoomTokenService(Convert.FromBase64String(_secret));
        string TokenOf(int sender) => tokens.Issue(Room, $"s{sender}", ParticipantRole.Audience, TimeSpan.FromMinutes(30));

        var acked = new ConcurrentDictionary<(string Sender, string Key), long>();
        var attempted = new ConcurrentDictionary<(string Sender, string Key), byte>();
        int failedCalls = 0;
        await using (var host = await ChildHost.StartAsync(WorkDirectory, _secret, settings))
        await using (var driver = SignalRDriver.Start())
        {
            var clients = new HubClient[Senders];
            for (var s = 0; s < Senders; s++) clients[s] = await driver.ConnectAsync(host.BaseUrl, TokenOf(s));
            var flood = Enumerable.Range(0, Senders * Pipelined).Select(lane => Task.Run(async () =>
            {
                var s = lane % Senders;
                for (var n = 0; ; n++)
                {
                    var id = ($"s{s}", $"s{s}-{lane}-{n}");
                    attempted[id] = 0;
                    try
                    {
                        var ack = (await clients[s].InvokeAsync("SendGift", "rose", 1, id.Item2))!;
                        acked[id] = (long)ack["ledgerSeq"]!;
                    }
                    catch (Exception e) when (e is HubCallFailedException or IOException or TimeoutException)
                    {
                        Interlocked.Increment(ref failedCalls);
                        return; // the server is gone; this key's fate is unknown to the client
                    }
                }
            })).ToArray();
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3)); // a hang guard, not a timing assertion
            while (acked.Count < AcksBeforeKill && !flood.All(f => f.IsCompleted)) await Task.Delay(5, guard.Token);
            await host.KillAsync(); // SIGKILL mid-flood: calls are in flight, some committed and not yet acknowledged
            await Task.WhenAll(flood).WaitAsync(guard.Token);
        }
        var unacked = attempted.Keys.Except(acked.Keys).ToList();
        output.WriteLine($"before the kill: {acked.Count} acknowledged, {unacked.Count} in flight at the kill ({failedCalls} calls failed)");
        Assert.True(acked.Count >= AcksBeforeKill);
        Assert.Equal(Senders * Pipelined, unacked.Count); // each lane had exactly one call outstanding

        var storedAtKill = await ReadStoredGiftsAsync();
        Assert.All(acked, a => Assert.Equal((1L, a.Value), storedAtKill.GetValueOrDefault(a.Key)));
        var committedUnacked = unacked.Count(storedAtKill.ContainsKey);
        output.WriteLine($"after the kill: {storedAtKill.Count} stored; of the in-flight calls {committedUnacked} had committed");

        // Restarted on the same store: the clients resend what was never acknowledged, and a few acknowledged ones.
        var resent = new List<((string Sender, string Key) Id, bool IsRetry, long Seq)>();
        await using (var host = await ChildHost.StartAsync(WorkDirectory, _secret, settings))
        await using (var driver = SignalRDriver.Start())
        {
            var clients = new Dictionary<string, HubClient>();
            for (var s = 0; s < Senders; s++) clients[$"s{s}"] = await driver.ConnectAsync(host.BaseUrl, TokenOf(s));
            foreach (var id in unacked.Concat(acked.Keys.Take(20)))
            {
                var ack = (await clients[id.Sender].InvokeAsync("SendGift", "rose", 1, id.Key))!;
                resent.Add((id, (bool)ack["isRetry"]!, (long)ack["ledgerSeq"]!));
            }
            // Twice more, concurrently: still once.
            await Task.WhenAll(unacked.Select(id => clients[id.Sender].InvokeAsync("SendGift", "rose", 1, id.Key)));
        }
        foreach (var (id, isRetry, seq) in resent)
        {
            if (acked.TryGetValue(id, out var ackedSeq))
            {
                Assert.True(isRetry);
                Assert.Equal(ackedSeq, seq);
            }
            else
            {
                Assert.Equal(storedAtKill.ContainsKey(id), isRetry); // committed before the kill → the original comes back
            }
        }

        var stored = await ReadStoredGiftsAsync();
        Assert.All(stored.Values, v => Assert.Equal(1, v.Rows));
        Assert.Equal(attempted.Keys.Order(), stored.Keys.Order());
        foreach (var (id, _, seq) in resent) Assert.Equal(seq, stored[id].Seq);
        await using var ledger = await OpenLedgerAsync();
        var totals = await ledger.GetRoomTotalsAsync(Room);
        Assert.Equal(attempted.Count, totals.GiftSends);
        output.WriteLine($"after the restart and resends: {totals.GiftSends} gifts stored, each once");
    }
}

public sealed class SqliteRoomCommerceDurabilityTests(ITestOutputHelper output) : RoomCommerceDurabilityTests(output)
{
    private string DatabasePath => Path.Combine(WorkDirectory, "ledger.db");

    protected override Task<string[]> StoreSettingsAsync() =>
        Task.FromResult<string[]>(["--Commerce:Store:Kind=sqlite", $"--Commerce:Store:SqlitePath={DatabasePath}"]);

    protected override async Task<ICommerceLedger> OpenLedgerAsync() => await SqliteCommerceLedger.OpenAsync(DatabasePath);

    protected override async Task<Dictionary<(string Sender, string Key), (long Rows, long Seq)>> ReadStoredGiftsAsync()
    {
        // Read straight from the file the killed process left (its WAL included).
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sender, idempotency_key, count(*), min(seq) FROM gifts WHERE room = 'durable' GROUP BY sender, idempotency_key";
        var result = new Dictionary<(string, string), (long, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result[(reader.GetString(0), reader.GetString(1))] = (reader.GetInt64(2), reader.GetInt64(3));
        return result;
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRoomCommerceDurabilityTests(PostgresServer server, ITestOutputHelper output) : RoomCommerceDurabilityTests(output)
{
    private string _connectionString = "";

    protected override async Task<string[]> StoreSettingsAsync()
    {
        _connectionString = server.ConnectionString(await server.CreateDatabaseAsync());
        return ["--Commerce:Store:Kind=postgres", $"--Commerce:Store:PostgresConnectionString={_connectionString}"];
    }

    protected override async Task<ICommerceLedger> OpenLedgerAsync() => await PostgresCommerceLedger.OpenAsync(_connectionString);

    protected override async Task<Dictionary<(string Sender, string Key), (long Rows, long Seq)>> ReadStoredGiftsAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT sender, idempotency_key, count(*), min(seq) FROM gifts WHERE room = 'durable' GROUP BY sender, idempotency_key", connection);
        var result = new Dictionary<(string, string), (long, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result[(reader.GetString(0), reader.GetString(1))] = (reader.GetInt64(2), reader.GetInt64(3));
        return result;
    }
}
