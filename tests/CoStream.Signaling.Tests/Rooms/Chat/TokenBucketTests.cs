using CoStream.Signaling.Rooms.Chat;

namespace CoStream.Signaling.Tests.Rooms.Chat;

/// <summary>Token bucket arithmetic on a hand-driven clock (no real time).</summary>
public sealed class TokenBucketTests
{
    [Fact]
    public void Burst_ThenRefillAtTheRate()
    {
        var bucket = new TokenBucket(new RateLimit(2, 5), nowMs: 1000);
        for (var i = 0; i < 5; i++) Assert.True(bucket.TryTake(1000), $"burst take {i}");
        Assert.False(bucket.TryTake(1000));
        Assert.Equal(500, bucket.MsUntil(1000));
        Assert.False(bucket.TryTake(1499));       // 0.998 tokens
        Assert.True(bucket.TryTake(1500));        // one token after 500 ms at 2/s
        Assert.False(bucket.TryTake(1500));
        Assert.True(bucket.TryTake(2000));
    }

    [Fact]
    public void Refill_StopsAtTheBurst()
    {
        var bucket = new TokenBucket(new RateLimit(2, 5), nowMs: 0);
        for (var i = 0; i < 5; i++) bucket.TryTake(0);
        Assert.True(bucket.IsFull(1_000_000));
        var taken = 0;
        while (bucket.TryTake(1_000_000)) taken++;
        Assert.Equal(5, taken);
    }

    [Fact]
    public void SustainedRate_IsTheConfiguredRate()
    {
        var bucket = new TokenBucket(new RateLimit(2, 5), nowMs: 0);
        var allowed = 0;
        // A caller trying every 10 ms for 60 s gets the burst plus 2/s.
        for (long t = 0; t <= 60_000; t += 10) if (bucket.TryTake(t)) allowed++;
        Assert.Equal(5 + 120, allowed);
    }

    [Fact]
    public void ClockGoingBack_RefillsNothing_AndCostsAreHonoured()
    {
        var bucket = new TokenBucket(new RateLimit(10, 10), nowMs: 5000);
        Assert.True(bucket.TryTake(5000, cost: 10));
        Assert.False(bucket.TryTake(1000));
        Assert.False(bucket.TryTake(5000, cost: 0.5));
        Assert.True(bucket.TryTake(5100, cost: 1));
        Assert.False(bucket.TryTake(5100, cost: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(new RateLimit(1, 0), 0));
    }

    [Fact]
    public void KeyedLimiter_KeepsUsersApart_AndForgetsIdleOnes()
    {
        var limiter = new KeyedRateLimiter(new RateLimit(1, 2));
        Assert.True(limiter.TryAcquire("r\na", 0));
        Assert.True(limiter.TryAcquire("r\na", 0));
        Assert.False(limiter.TryAcquire("r\na", 0));
        Assert.True(limiter.TryAcquire("r\nb", 0));
        Assert.Equal(1000, limiter.MsUntil("r\na", 0));
        Assert.Equal(2, limiter.Count);
        Assert.Equal(0, limiter.Sweep(nowMs: 500, idleMs: 60_000));   // not idle, not full
        Assert.Equal(2, limiter.Sweep(nowMs: 61_000, idleMs: 60_000));
        Assert.Equal(0, limiter.Count);
        Assert.True(limiter.TryAcquire("r\na", 61_000));              // starts full again
    }
}
