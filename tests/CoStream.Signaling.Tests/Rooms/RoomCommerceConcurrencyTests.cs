using System.Diagnostics;
using System.Text.Json.Nodes;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Commerce;
using CoStream.Signaling.Tests.E2E;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.Rooms;

/// <summary>
/// Many members at once through the hub, each on its own SignalR connection with its own token: a flash coupon
/// is never oversold or granted twice, gifts with retried keys count once each. Figures are printed, not asserted.
/// </summary>
public sealed class RoomCommerceConcurrencyTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Connections held by the one Node driver (see docs/benchmarks.md "Commerce" for what they cost).</summary>
    private const int Members = 1000;
    private const string Room = "flash";

    private CoStreamServer _server = null!;
    private SignalRDriver _driver = null!;

    public async Task InitializeAsync()
    {
        _server = await CoStreamServer.StartAsync();
        _driver = SignalRDriver.Start();
    }

    public async Task DisposeAsync()
    {
        await _driver.DisposeAsync();
        await _server.DisposeAsync();
    }

    private ICommerceLedger Ledger => _server.Services.GetRequiredService<ICommerceLedger>();

    private async Task<HubClient[]> ConnectMembersAsync()
    {
        var clock = Stopwatch.StartNew();
        var clients = new HubClient[Members];
        // 50 handshakes in flight at a time: a burst of 1,000 at once only queues in the accept backlog.
        using var gate = new SemaphoreSlim(50);
        await Task.WhenAll(Enumerable.Range(0, Members).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                clients[i] = await _driver.ConnectAsync(_server.BaseUrl, _server.Token(Room, $"m{i}", ParticipantRole.Audience),
                    id: $"m{i}", timeout: TimeSpan.FromSeconds(120));
            }
            finally { gate.Release(); }
        }));
        output.WriteLine($"{Members} connections in {clock.Elapsed.TotalSeconds:F1} s; Node driver RSS {_driver.ResidentBytes() / 1048576} MiB");
        return clients;
    }

    [Fact]
    public async Task ThousandMembersClaimAHundredCoupons_ExactlyAHundredGranted_NoneTwice_StockEventsCoalesced()
    {
        var members = await ConnectMembersAsync();
        var anchor = await _driver.ConnectAsync(_server.BaseUrl, _server.Token(Room, "anchor", ParticipantRole.Anchor));
        await anchor.InvokeAsync("Join", 0);
        await anchor.InvokeAsync("DropCoupon", "flash-100", 100, 0, 600, null);

        var clock = Stopwatch.StartNew();
        // Every member claims twice at once with two keys: a double tap must still get one coupon at most.
        var answers = await Task.WhenAll(members.SelectMany(m => new[] { "a", "b" }.Select(async k =>
            (Member: m.Id, Answer: (await m.InvokeAsync("ClaimCoupon", "flash-100", $"{m.Id}-{k}"))!))));
        var elapsed = clock.Elapsed;
        var granted = answers.Where(a => (string?)a.Answer["outcome"] == "Granted").ToList();
        var byOutcome = answers.GroupBy(a => (string)a.Answer["outcome"]!).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{answers.Length} claims in {elapsed.TotalSeconds:F2} s ({answers.Length / elapsed.TotalSeconds:F0}/s): "
            + string.Join(", ", byOutcome.Select(kv => $"{kv.Key} {kv.Value}")));

        Assert.Equal(100, granted.Count);
        Assert.Equal(100, granted.Select(g => g.Member).Distinct().Count());
        Assert.Equal(100, granted.Select(g => (long)g.Answer["grantSeq"]!).Distinct().Count());
        Assert.All(answers, a => Assert.Contains((string)a.Answer["outcome"]!, new[] { "Granted", "SoldOut", "AlreadyClaimed" }));
        var grants = await Ledger.GetGrantsAsync(Room, "flash-100");
        Assert.Equal(granted.Select(g => g.Member).Order(), grants.Select(g => g.Member).Order());
        Assert.Equal(0, (await Ledger.GetCouponAsync(Room, "flash-100"))!.Remaining);

        // The room saw a handful of stock events, not one per grant, stock going only down, then one soldOut.
        await anchor.WaitForEventAsync("coupon.soldOut");
        await Task.Delay(2 * _server.Services.GetRequiredService<CommerceOptions>().StockIntervalMs); // a trailing event may be pending
        var stock = anchor.RoomEvents.Where(e => (string?)e["kind"] == "coupon.stock").Select(e => (int)e["data"]!["remaining"]!).ToList();
        output.WriteLine($"coupon.stock events: {stock.Count} ({string.Join(" ", stock)})");
        Assert.Single(anchor.RoomEvents, e => (string?)e["kind"] == "coupon.soldOut");
        Assert.Equal(0, stock[^1]);
        Assert.True(stock.Zip(stock.Skip(1)).All(p => p.First > p.Second), "stock went up or repeated");
        // At most one per interval while claims ran, plus the first, the trailing one and the sold-out one.
        var interval = _server.Services.GetRequiredService<CommerceOptions>().StockIntervalMs;
        Assert.InRange(stock.Count, 1, (int)(elapsed.TotalMilliseconds / interval) + 3);
    }

    [Fact]
    public async Task ThousandMembersGift_TenPercentRetried_EachCountedOnce()
    {
        var members = await ConnectMembersAsync();
        var watcher = await _driver.ConnectAsync(_server.BaseUrl, _server.Token(Room, "watcher", ParticipantRole.Audience));
        await watcher.InvokeAsync("Join", 0);

        var clock = Stopwatch.StartNew();
        // Every member sends one gift; every tenth also retries its key at the same moment (a lost ack, resent).
        var sends = members.SelectMany((m, i) => Enumerable.Repeat(m, i % 10 == 0 ? 2 : 1).Select(async c =>
            (Key: $"{c.Id}-gift", Answer: (await c.InvokeAsync("SendGift", "rose", 1 + i % 3, $"{c.Id}-gift"))!))).ToList();
        var answers = await Task.WhenAll(sends);
        var elapsed = clock.Elapsed;
        output.WriteLine($"{answers.Length} gift calls ({Members} gifts + {answers.Length - Members} retries) in {elapsed.TotalSeconds:F2} s "
            + $"({answers.Length / elapsed.TotalSeconds:F0} calls/s, each committed before its ack)");

        Assert.Equal(Members + Members / 10, answers.Length);
        foreach (var key in answers.GroupBy(a => a.Key))
        {
            Assert.Single(key, a => !(bool)a.Answer["isRetry"]!);
            Assert.Single(key.Select(a => (long)a.Answer["ledgerSeq"]!).Distinct());
        }
        var totals = await Ledger.GetRoomTotalsAsync(Room);
        Assert.Equal(Members, totals.GiftSends);
        Assert.Equal(Enumerable.Range(0, Members).Sum(i => 1 + i % 3), totals.GiftUnits);

        var seqs = answers.Select(a => (long)a.Answer["ledgerSeq"]!).ToHashSet();
        await watcher.WaitForEventAsync(_ => watcher.RoomEvents.Count(e => (string?)e["kind"] == "gift.sent") >= Members, TimeSpan.FromSeconds(60));
        var gifts = watcher.RoomEvents.Where(e => (string?)e["kind"] == "gift.sent").ToList();
        Assert.Equal(Members, gifts.Count);
        Assert.Equal(seqs.Order(), gifts.Select(e => (long)e["data"]!["ledgerSeq"]!).Order());
    }
}
