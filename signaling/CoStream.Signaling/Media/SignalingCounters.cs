using System.Collections.Concurrent;
using CoStream.Signaling.Auth;

namespace CoStream.Signaling.Media;

/// <summary>Refusals of the signalling surface, by reason (exposed on /metrics).</summary>
public sealed class SignalingCounters
{
    private readonly ConcurrentDictionary<string, long> _counts = new();

    public void CountTokenRefusal(TokenError error) => Increment("token." + error);
    public void CountHubRefusal(string reason) => Increment("hub." + reason);
    public void CountHttpRefusal(string reason) => Increment("http." + reason);
    /// <summary>Any other named count (e.g. <c>stage.joinAttempts</c>).</summary>
    public void Count(string key) => Increment(key);

    /// <summary>Adds to any counter (e.g. <c>chat.broadcast</c>, <c>hub.invoke.Join</c>); keys come from code, never from clients.</summary>
    public void Count(string key, long by = 1) => _counts.AddOrUpdate(key, by, (_, v) => v + by);

    public long Get(string key) => _counts.GetValueOrDefault(key);
    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_counts);

    private void Increment(string key) => _counts.AddOrUpdate(key, 1, (_, v) => v + 1);
}
