namespace CoStream.Signaling.Rooms.Chat;

/// <summary>A rate: <see cref="PerSecond"/> on average, up to <see cref="Burst"/> at once.</summary>
public readonly record struct RateLimit(double PerSecond, double Burst)
{
    public override string ToString() => $"{PerSecond}/s burst {Burst}";
}

/// <summary>
/// A token bucket on a caller-supplied millisecond clock (so tests drive time by hand): it holds at most
/// <see cref="RateLimit.Burst"/> tokens, refills at <see cref="RateLimit.PerSecond"/>, and a call is allowed when
/// it can take its cost. Not thread-safe: a caller that shares one locks it.
/// </summary>
public sealed class TokenBucket
{
    private readonly double _perMs;
    private readonly double _burst;
    private double _tokens;
    private long _lastMs;

    /// <summary>A full bucket at <paramref name="nowMs"/>.</summary>
    public TokenBucket(RateLimit limit, long nowMs)
    {
        if (limit.PerSecond < 0 || limit.Burst < 1) throw new ArgumentOutOfRangeException(nameof(limit), limit, "rate ≥ 0 and burst ≥ 1");
        _perMs = limit.PerSecond / 1000.0;
        _burst = limit.Burst;
        _tokens = limit.Burst;
        _lastMs = nowMs;
        LastUsedMs = nowMs;
    }

    /// <summary>When a take was last attempted.</summary>
    public long LastUsedMs { get; private set; }

    /// <summary>Takes <paramref name="cost"/> tokens if there are that many; otherwise takes none.</summary>
    public bool TryTake(long nowMs, double cost = 1)
    {
        Refill(nowMs);
        LastUsedMs = nowMs;
        if (_tokens < cost) return false;
        _tokens -= cost;
        return true;
    }

    /// <summary>Tokens available at <paramref name="nowMs"/>.</summary>
    public double Available(long nowMs)
    {
        Refill(nowMs);
        return _tokens;
    }

    /// <summary>True when the bucket has refilled completely (forgetting it changes nothing).</summary>
    public bool IsFull(long nowMs) => Available(nowMs) >= _burst;

    /// <summary>Milliseconds until <paramref name="cost"/> tokens are available (0 if they are now).</summary>
    public long MsUntil(long nowMs, double cost = 1)
    {
        Refill(nowMs);
        if (_tokens >= cost) return 0;
        return _perMs <= 0 ? long.MaxValue : (long)Math.Ceiling((cost - _tokens) / _perMs);
    }

    private void Refill(long nowMs)
    {
        // A clock that goes back (it should not) refills nothing rather than draining.
        if (nowMs <= _lastMs) return;
        _tokens = Math.Min(_burst, _tokens + (nowMs - _lastMs) * _perMs);
        _lastMs = nowMs;
    }
}
