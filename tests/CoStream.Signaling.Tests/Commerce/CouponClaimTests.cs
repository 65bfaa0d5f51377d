using CoStream.Signaling.Commerce;

namespace CoStream.Signaling.Tests.Commerce;

/// <summary>Run on every store: see SqliteLedgerTests.cs and PostgresLedgerTests.cs.</summary>
public abstract class CouponClaimTests
{
    protected abstract Task<ITestLedger> CreateLedgerAsync();

    private static readonly DateTimeOffset Opens = new(2026, 11, 22, 20, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Closes = Opens.AddMinutes(10);
    private static readonly string[] NoSegments = [];

    [Fact]
    public async Task Claim_InWindow_IsGranted_AndCountsDownInventory()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;
        await ledger.DropCouponAsync("r1", "c1", 2, Opens, Closes, null, mediaClockMs: 1000);

        var result = await ledger.ClaimCouponAsync("r1", "c1", "alice", NoSegments, "key-a", Opens.AddSeconds(1), 2000);

        Assert.Equal(ClaimOutcome.Granted, result.Outcome);
        Assert.False(result.IsRetry);
        Assert.Equal(1, result.Remaining);
        Assert.Equal("alice", result.Grant!.Member);
        Assert.Equal(2000, result.Grant.MediaClockMs);
        Assert.Equal(1, (await ledger.GetCouponAsync("r1", "c1"))!.Remaining);
    }

    [Fact]
    public async Task Claim_RetryWithSameKey_ReturnsOriginalGrant_AndTakesNoStock()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;
        await ledger.DropCouponAsync("r1", "c1", 5, Opens, Closes, null, 0);

        var first = await ledger.ClaimCouponAsync("r1", "c1", "alice", NoSegments, "key-a", Opens.AddSeconds(1), 10);
        var retry = await ledger.ClaimCouponAsync("r1", "c1", "alice", NoSegments, "key-a", Opens.AddSeconds(2), 20);

        Assert.Equal(ClaimOutcome.Granted, retry.Outcome);
        Assert.True(retry.IsRetry);
        Assert.Equal(first.Grant, retry.Grant);
        Assert.Equal(4, (await ledger.GetCouponAsync("r1", "c1"))!.Remaining);
        Assert.Single(await ledger.GetGrantsAsync("r1", "c1"));
    }

    [Fact]
    public async Task Claim_RetryAfterWindowClosed_StillReturnsOriginalGrant()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;
        await ledger.DropCouponAsync("r1", "c1", 1, Opens, Closes, null, 0);
        var first = await ledger.ClaimCouponAsync("r1", "c1", "alice", NoSegments, "key-a", Opens, 0);

        var retry = await ledger.ClaimCouponAsync("r1", "c1", "alice", NoSegments, "key-a", Closes.AddHours(1), 0);

        Assert.Equal(ClaimOutcome.Granted, retry.Outcome);
        Assert.Equal(first.Grant, retry.Grant);
    }

    [Fact]
    public async Task Claim_SecondClaimWithAnotherKey_IsAlreadyClaimed()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;
        await ledger.DropCouponAsync("r1", "c1", 5, Opens, Closes, null, 0);
        await ledger.ClaimCouponAsync("r1", "c1", "alice", NoSegments, "key-a", Opens, 0);

        var second = await ledger.ClaimCouponAsync("r1", "c1", "alice", NoSegments, "key-b", Opens, 0);

        Assert.Equal(ClaimOutcome.AlreadyClaimed, second.Outcome);
        Assert.Null(second.Grant);
        Assert.Equal(4, (await ledger.GetCouponAsync("r1", "c1"))!.Remaining);
    }

    [Theory]
    [InlineData(-1, ClaimOutcome.NotOpen)]        // 1 ms before the window opens
    [InlineData(0, ClaimOutcome.Granted)]         // the opening instant is inside
    [InlineData(599_999, ClaimOutcome.Granted)]   // the last millisecond inside
    [InlineData(600_000, ClaimOutcome.Expired)]   // the closing instant is outside
    public async Task Claim_AtWindowEdges(long msAfterOpening, ClaimOutcome expected)
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;
        await ledger.DropCouponAsync("r1", "c1", 5, Opens, Closes, null, 0);

        var result = await ledger.ClaimCouponAsync("r1", "c1", "alice", NoSegments, "key-a", Opens.AddMilliseconds(msAfterOpening), 0);

        Assert.Equal(expected, result.Outcome);
        Assert.Equal(expected == ClaimOutcome.Granted ? 1 : 0, (await ledger.GetGrantsAsync("r1", "c1")).Count);
    }

    [Fact]
    public async Task Claim_SegmentCoupon_RefusesOutsiders_GrantsMembers()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;
        await ledger.DropCouponAsync("r1", "c1", 5, Opens, Closes, "new-followers", 0);

        var outsider = await ledger.ClaimCouponAsync("r1", "c1", "bob", ["vip"], "key-b", Opens, 0);
        var noSegment = await ledger.ClaimCouponAsync("r1", "c1", "carol", NoSegments, "key-c", Opens, 0);
        var member = await ledger.ClaimCouponAsync("r1", "c1", "alice", ["vip", "new-followers"], "key-a", Opens, 0);

        Assert.Equal(ClaimOutcome.NotInSegment, outsider.Outcome);
        Assert.Equal(ClaimOutcome.NotInSegment, noSegment.Outcome);
        Assert.Equal(ClaimOutcome.Granted, member.Outcome);
        Assert.Equal(4, (await ledger.GetCouponAsync("r1", "c1"))!.Remaining);
    }

    [Fact]
    public async Task Claim_UnknownCoupon_OrOtherRoom_IsNoSuchCoupon()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;
        await ledger.DropCouponAsync("r1", "c1", 5, Opens, Closes, null, 0);

        Assert.Equal(ClaimOutcome.NoSuchCoupon, (await ledger.ClaimCouponAsync("r1", "nope", "alice", NoSegments, "k", Opens, 0)).Outcome);
        Assert.Equal(ClaimOutcome.NoSuchCoupon, (await ledger.ClaimCouponAsync("r2", "c1", "alice", NoSegments, "k", Opens, 0)).Outcome);
    }

    [Fact]
    public async Task Claim_AfterStockRunsOut_IsSoldOut()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;
        await ledger.DropCouponAsync("r1", "c1", 1, Opens, Closes, null, 0);
        await ledger.ClaimCouponAsync("r1", "c1", "alice", NoSegments, "key-a", Opens, 0);

        var late = await ledger.ClaimCouponAsync("r1", "c1", "bob", NoSegments, "key-b", Opens, 0);

        Assert.Equal(ClaimOutcome.SoldOut, late.Outcome);
        Assert.Equal(0, late.Remaining);
    }

    [Fact]
    public async Task Drop_SameCouponIdAgain_ReturnsTheExistingDrop()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;
        var first = await ledger.DropCouponAsync("r1", "c1", 5, Opens, Closes, "vip", 100);

        var again = await ledger.DropCouponAsync("r1", "c1", 999, Opens, Closes.AddHours(1), null, 200);

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Drop, again.Drop);
        Assert.Single(await ledger.GetEventsAfterAsync("r1", 0, 100));
    }

    [Fact]
    public async Task Drop_BadArguments_Throw()
    {
        await using var temp = await CreateLedgerAsync();
        var ledger = temp.Ledger;
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ledger.DropCouponAsync("r1", "c1", 0, Opens, Closes, null, 0));
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.DropCouponAsync("r1", "c1", 5, Closes, Opens, null, 0));
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.DropCouponAsync("", "c1", 5, Opens, Closes, null, 0));
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.DropCouponAsync("r1", new string('x', 129), 5, Opens, Closes, null, 0));
        Assert.Null(await ledger.GetCouponAsync("r1", "c1"));
    }
}
