using CoStream.Signaling.Rooms.Chat;

namespace CoStream.Signaling.Rooms.Guard;

/// <summary>What <see cref="ConnectionGuard.Admit"/> decided about one invocation.</summary>
public enum GuardVerdict
{
    Allowed = 0,
    RateLimited,
    /// <summary>Rate limited, and the connection has been refused so often that it is to be closed (returned once).</summary>
    Close,
    /// <summary>The connection was already told to close; what it still had queued is dropped.</summary>
    Closed,
}

/// <summary>
/// One connection's invocation budget: a token bucket for invocations, and a second bucket that each refusal drains
/// (and time refills), so a client that slips over the limit now and then is only refused, while one that keeps
/// hammering is closed. Thread-safe; the clock is the caller's.
/// </summary>
public sealed class ConnectionGuard(GuardOptions options, long nowMs)
{
    private readonly TokenBucket _invocations = new(options.PerConnection, nowMs);
    private readonly TokenBucket _abuse = new(options.Abuse, nowMs);

    private bool _closed;

    public long Refused { get; private set; }

    public GuardVerdict Admit(long nowMs)
    {
        lock (this)
        {
            if (_closed) return GuardVerdict.Closed;
            if (_invocations.TryTake(nowMs)) return GuardVerdict.Allowed;
            Refused++;
            if (_abuse.TryTake(nowMs)) return GuardVerdict.RateLimited;
            _closed = true;
            return GuardVerdict.Close;
        }
    }
}
