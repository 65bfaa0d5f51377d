using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using CoStream.Signaling.Commerce;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.Commerce;

/// <summary>Run on every store: see SqliteLedgerTests.cs and PostgresLedgerTests.cs.</summary>
public abstract class GiftLedgerTests(ITestOutputHelper output)
{
    protected abstract Task<ITestLedger> CreateLedgerAsync();

    [Fact]
    public async Task Gift_IsRecorded_WithItsMediaClock_AndAppearsInTotalsAndLog()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;

        var receipt = await ledger.RecordGiftAsync("r1", "alice", "rose", 3, "g-1", mediaClockMs: 12_345);

        Assert.False(receipt.IsRetry);
        Assert.Equal(12_345, receipt.Record.MediaClockMs);
        var totals = await ledger.GetRoomTotalsAsync("r1");
        Assert.Equal(1, totals.GiftSends);
        Assert.Equal(3, totals.GiftUnits);
        Assert.Equal(3, totals.GiftUnitsByGiftId["rose"]);
        Assert.Equal(receipt.Record.Sequence, totals.LastSequence);
        var logged = Assert.Single(await ledger.GetEventsAfterAsync("r1", 0, 10));
        Assert.Equal(CommerceEventKind.Gift, logged.Kind);
        Assert.Equal(12_345, logged.MediaClockMs);
        Assert.Equal(new GiftPayload("alice", "rose", 3), JsonSerializer.Deserialize(logged.PayloadJson, CommerceJsonContext.Default.GiftPayload));
    }

    [Fact]
    public async Task Gift_RetryWithSameKey_ReturnsOriginalRecord_AndCountsOnce()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;

        var first = await ledger.RecordGiftAsync("r1", "alice", "rose", 3, "g-1", 100);
        // A retry carries the same key; even if its body differs, the original stands.
        var retry = await ledger.RecordGiftAsync("r1", "alice", "rocket", 9, "g-1", 200);

        Assert.True(retry.IsRetry);
        Assert.Equal(first.Record, retry.Record);
        var totals = await ledger.GetRoomTotalsAsync("r1");
        Assert.Equal(1, totals.GiftSends);
        Assert.Equal(3, totals.GiftUnits);
        Assert.Single(await ledger.GetEventsAfterAsync("r1", 0, 10));
    }

    [Fact]
    public async Task Gift_SameKeyFromAnotherSenderOrRoom_IsAnotherGift()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;

        await ledger.RecordGiftAsync("r1", "alice", "rose", 1, "g-1", 0);
        var otherSender = await ledger.RecordGiftAsync("r1", "bob", "rose", 1, "g-1", 0);
        var otherRoom = await ledger.RecordGiftAsync("r2", "alice", "rose", 1, "g-1", 0);

        Assert.False(otherSender.IsRetry);
        Assert.False(otherRoom.IsRetry);
        Assert.Equal(2, (await ledger.GetRoomTotalsAsync("r1")).GiftSends);
        Assert.Equal(1, (await ledger.GetRoomTotalsAsync("r2")).GiftSends);
    }

    [Fact]
    public async Task ThousandConcurrentGifts_WithTenPercentRetries_AreCountedExactlyOnceEach()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;
        var sends = Enumerable.Range(0, 1_000).Select(i => (Sender: $"s{i % 37}", Key: $"g{i}", Count: 1 + i % 5)).ToList();
        var retried = sends.Where((_, i) => i % 10 == 0).ToList();
        var all = sends.Concat(retried).OrderBy(_ => Random.Shared.Next()).ToList();
        var receipts = new ConcurrentBag<GiftReceipt>();

        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (send, ct) =>
            receipts.Add(await ledger.RecordGiftAsync("r1", send.Sender, "rose", send.Count, send.Key, 0, ct)));
        watch.Stop();
        output.WriteLine($"1,100 gift sends in {watch.ElapsedMilliseconds} ms: {1_100 / watch.Elapsed.TotalSeconds:F0} committed sends/s");

        Assert.Equal(1_000, receipts.Count(r => !r.IsRetry));
        Assert.Equal(100, receipts.Count(r => r.IsRetry));
        Assert.All(receipts.GroupBy(r => r.Record.IdempotencyKey), g => Assert.Single(g.Select(r => r.Record).Distinct()));
        var totals = await ledger.GetRoomTotalsAsync("r1");
        Assert.Equal(1_000, totals.GiftSends);
        Assert.Equal(sends.Sum(s => s.Count), totals.GiftUnits);
    }

    [Fact]
    public async Task EventsAfter_ReplaysOnlyThatRoom_InOrder_FromTheGivenSequence()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;
        var opens = new DateTimeOffset(2026, 11, 22, 20, 0, 0, TimeSpan.Zero);
        var g1 = await ledger.RecordGiftAsync("r1", "alice", "rose", 1, "g-1", 10);
        await ledger.RecordGiftAsync("r2", "bob", "rose", 1, "g-1", 15);
        await ledger.DropCouponAsync("r1", "c1", 5, opens, opens.AddMinutes(5), null, 20);
        await ledger.ClaimCouponAsync("r1", "c1", "carol", [], "k", opens, 30);
        await ledger.ClaimCouponAsync("r1", "c1", "carol", [], "k2", opens, 40); // refused: logs nothing

        var all = await ledger.GetEventsAfterAsync("r1", 0, 100);
        var afterFirst = await ledger.GetEventsAfterAsync("r1", g1.Record.Sequence, 100);
        var firstTwo = await ledger.GetEventsAfterAsync("r1", 0, 2);

        Assert.Equal([CommerceEventKind.Gift, CommerceEventKind.CouponDropped, CommerceEventKind.CouponGranted], all.Select(e => e.Kind));
        Assert.Equal([10L, 20L, 30L], all.Select(e => e.MediaClockMs));
        Assert.True(all.Select(e => e.Sequence).SequenceEqual(all.Select(e => e.Sequence).Order()));
        Assert.Equal(all.Skip(1), afterFirst);
        Assert.Equal(all.Take(2), firstTwo);
        Assert.Equal(new CouponGrantedPayload("c1", "carol", 4),
            JsonSerializer.Deserialize(all[2].PayloadJson, CommerceJsonContext.Default.CouponGrantedPayload));
    }
}
