using CoStream.Signaling.Commerce;
using CoStream.Signaling.Store;

namespace CoStream.Signaling.Tests.Commerce;

/// <summary>
/// The test assembly's entry point (the test runner never calls it). With `--ledger-writer sqlite PATH` or
/// `--ledger-writer postgres CONNECTION-STRING` it is the durability test's child process: it floods gifts
/// into that ledger from a few concurrent senders and prints "ack KEY;" for each gift only after
/// RecordGiftAsync returned, until it is killed.
/// </summary>
public static class TestEntryPoint
{
    public const string LedgerWriterRoom = "durable-room";

    public static async Task<int> Main(string[] args)
    {
        if (args is ["--ledger-writer", "sqlite", var path])
            return await FloodAsync(await SqliteCommerceLedger.OpenAsync(path));
        if (args is ["--ledger-writer", "postgres", var connectionString])
            return await FloodAsync(await PostgresCommerceLedger.OpenAsync(connectionString));
        Console.Error.WriteLine("usage: CoStream.Signaling.Tests --ledger-writer sqlite|postgres PATH|CONNECTION-STRING");
        return 2;
    }

    private static async Task<int> FloodAsync(ICommerceLedger opened)
    {
        await using var ledger = opened;
        var stdout = Console.Out; // synchronized, flushes every write
        stdout.WriteLine("ready;");
        long next = -1;
        var senders = Enumerable.Range(0, 4).Select(sender => Task.Run(async () =>
        {
            while (true)
            {
                long n = Interlocked.Increment(ref next);
                string key = $"k{n}";
                await ledger.RecordGiftAsync(LedgerWriterRoom, $"sender{sender}", "rose", 1, key, mediaClockMs: n);
                stdout.WriteLine($"ack {key};");
            }
        }));
        await Task.WhenAll(senders);
        return 0;
    }
}
