using System.Collections.Concurrent;

namespace CoStream.Signaling.Rooms.Chat;

/// <summary>
/// One <see cref="TokenBucket"/> per key (e.g. room + participant for a per-user limit, or the room for a room-wide
/// budget), created full on first use. <see cref="Sweep"/> forgets buckets that have refilled and sat idle, so the
/// table holds only recent callers. Thread-safe; the clock is the caller's.
/// </summary>
public sealed class KeyedRateLimiter(RateLimit limit)
{
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);

    public RateLimit Limit { get; } = limit;

    /// <summary>Buckets held now.</summary>
    public int Count => _buckets.Count;

    /// <summary>Takes <paramref name="cost"/> from <paramref name="key"/>'s bucket; false when that would exceed the limit.</summary>
    public bool TryAcquire(string key, long nowMs, double cost = 1)
    {
        var bucket = _buckets.GetOrAdd(key, static (_, s) => new TokenBucket(s.Limit, s.NowMs), (Limit, NowMs: nowMs));
        lock (bucket) return bucket.TryTake(nowMs, cost);
    }

    /// <summary>Milliseconds until <paramref name="key"/> may spend <paramref name="cost"/> again (0 if now).</summary>
    public long MsUntil(string key, long nowMs, double cost = 1)
    {
        if (!_buckets.TryGetValue(key, out var bucket)) return 0;
        lock (bucket) return bucket.MsUntil(nowMs, cost);
    }

    /// <summary>Forgets the buckets that are full and unused for <paramref name="idleMs"/>; returns how many.</summary>
    public int Sweep(long nowMs, long idleMs)
    {
        var removed = 0;
        foreach (var (key, bucket) in _buckets)
        {
            bool idle;
            lock (bucket) idle = nowMs - bucket.LastUsedMs >= idleMs && bucket.IsFull(nowMs);
            if (idle && _buckets.TryRemove(new KeyValuePair<string, TokenBucket>(key, bucket))) removed++;
        }
        return removed;
    }
}
