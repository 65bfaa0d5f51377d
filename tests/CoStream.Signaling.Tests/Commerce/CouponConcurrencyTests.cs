using System.Collections.Concurrent;
using System.Diagnostics;
using CoStream.Signaling.Commerce;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.Commerce;

/// <summary>Run on every store: see SqliteLedgerTests.cs and PostgresLedgerTests.cs.</summary>
public abstract class CouponConcurrencyTests(ITestOutputHelper output)
{
    protected abstract Task<ITestLedger> CreateLedgerAsync();

    private static readonly DateTimeOffset Opens = new(2026, 11, 22, 20, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Closes = Opens.AddMinutes(10);
    private static readonly string[] NoSegments = [];
    private static readonly ParallelOptions SixtyFourWorkers = new() { MaxDegreeOfParallelism = 64 };

    /// <summary>A claim request: member i % members, with its own key each time.</summary>
    private sealed record Claim(string Member, string Key);

    private static List<Claim> Claims(int count, int members) =>
        Enumerable.Range(0, count).Select(i => new Claim($"m{i % members}", $"key{i}")).OrderBy(_ => Random.Shared.Next()).ToList();

    [Fact]
    public async Task TenThousandConcurrentClaims_OnHundredCoupons_GrantExactlyHundred_NeverTwoToOneMember()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;
        await ledger.DropCouponAsync("r1", "c1", 100, Opens, Closes, null, 0);
        // 10,000 claims from 2,500 members, four claims each with different keys.
        var claims = Claims(10_000, 2_500);
        var outcomes = new ConcurrentBag<ClaimResult>();

        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(claims, SixtyFourWorkers, async (claim, ct) =>
            outcomes.Add(await ledger.ClaimCouponAsync("r1", "c1", claim.Member, NoSegments, claim.Key, Opens.AddSeconds(1), 0, ct)));
        watch.Stop();
        output.WriteLine($"10,000 claims in {watch.ElapsedMilliseconds} ms: {10_000 / watch.Elapsed.TotalSeconds:F0} claims/s");

        var granted = outcomes.Where(o => o.Outcome == ClaimOutcome.Granted).ToList();
        Assert.Equal(100, granted.Count);
        Assert.All(granted, g => Assert.False(g.IsRetry));
        Assert.Equal(100, granted.Select(g => g.Grant!.Member).Distinct().Count());
        Assert.All(outcomes, o => Assert.Contains(o.Outcome, new[] { ClaimOutcome.Granted, ClaimOutcome.SoldOut, ClaimOutcome.AlreadyClaimed }));
        var stored = await ledger.GetGrantsAsync("r1", "c1");
        Assert.Equal(100, stored.Count);
        Assert.Equal(100, stored.Select(g => g.Member).Distinct().Count());
        Assert.Equal(0, (await ledger.GetCouponAsync("r1", "c1"))!.Remaining);
        Assert.Equal(100, (await ledger.GetRoomTotalsAsync("r1")).CouponsGranted);
    }

    [Fact]
    public async Task ConcurrentClaims_ByFewMembers_OnAmpleStock_GrantOnePerMember()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;
        await ledger.DropCouponAsync("r1", "c1", 500, Opens, Closes, null, 0);
        // Stock is not the limit here: 100 members claim ten times each, at once.
        var claims = Claims(1_000, 100);
        var outcomes = new ConcurrentBag<ClaimResult>();

        await Parallel.ForEachAsync(claims, SixtyFourWorkers, async (claim, ct) =>
            outcomes.Add(await ledger.ClaimCouponAsync("r1", "c1", claim.Member, NoSegments, claim.Key, Opens, 0, ct)));

        Assert.Equal(100, outcomes.Count(o => o.Outcome == ClaimOutcome.Granted));
        Assert.Equal(900, outcomes.Count(o => o.Outcome == ClaimOutcome.AlreadyClaimed));
        Assert.Equal(400, (await ledger.GetCouponAsync("r1", "c1"))!.Remaining);
        Assert.Equal(100, (await ledger.GetGrantsAsync("r1", "c1")).Select(g => g.Member).Distinct().Count());
    }

    [Fact]
    public async Task TwoLedgersOnOneStore_LikeTwoServerProcesses_NeverOversell()
    {
        // Two ledgers contend for the store: the in-process gate of one does not see the other, so only
        // the schema's conditional update and unique constraint keep the rules.
        await using var temp = await CreateLedgerAsync();
        await using var second = await temp.OpenAnotherAsync();
        ICommerceLedger[] ledgers = [temp.Ledger, second];
        await temp.Ledger.DropCouponAsync("r1", "c1", 50, Opens, Closes, null, 0);
        var claims = Claims(2_000, 500);
        var outcomes = new ConcurrentBag<ClaimResult>();

        await Parallel.ForEachAsync(claims.Select((c, i) => (c, i)), SixtyFourWorkers, async (item, ct) =>
            outcomes.Add(await ledgers[item.i % 2].ClaimCouponAsync("r1", "c1", item.c.Member, NoSegments, item.c.Key, Opens, 0, ct)));

        Assert.Equal(50, outcomes.Count(o => o.Outcome == ClaimOutcome.Granted));
        var stored = await second.GetGrantsAsync("r1", "c1");
        Assert.Equal(50, stored.Count);
        Assert.Equal(50, stored.Select(g => g.Member).Distinct().Count());
        Assert.Equal(0, (await second.GetCouponAsync("r1", "c1"))!.Remaining);
    }
}
