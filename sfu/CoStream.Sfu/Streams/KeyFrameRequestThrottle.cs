namespace CoStream.Sfu.Streams;

/// <summary>
/// Decides when a key-frame request (RTCP PLI, RFC 4585 §6.3.1, or FIR, RFC 5104 §4.3.1) may go to
/// a publisher, however many subscribers ask: the first request goes at once, then at most one
/// per interval.
/// </summary>
/// <remarks>
/// A request refused because of the interval is remembered as pending: the caller's periodic tick
/// calls <see cref="ShouldSendPending"/> to send it once the interval has passed, so a subscriber
/// who asked while the SFU was waiting is not forgotten if the key frame got lost. A key frame
/// arriving (<see cref="OnKeyFrameReceived"/>) satisfies everyone who asked before it, but does not
/// reopen the interval: on a fast path a key frame answers within milliseconds, so subscribers
/// joining one after another would otherwise each cost the publisher a key frame (the most expensive
/// frame it sends). A subscriber asking just after a key frame waits at most one interval.
/// </remarks>
public sealed class KeyFrameRequestThrottle
{
    public const int DefaultIntervalMs = 500;

    private readonly int _intervalMs;
    private bool _hasSent;
    private long _lastSentMs;

    public KeyFrameRequestThrottle(int intervalMs = DefaultIntervalMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(intervalMs);
        _intervalMs = intervalMs;
    }

    /// <summary>True when a request was refused by the interval and no key frame has arrived since.</summary>
    public bool IsPending { get; private set; }

    public long RequestsSent { get; private set; }
    public long RequestsCoalesced { get; private set; }

    /// <summary>A subscriber (or the SFU itself) wants a key frame: true when the request should be sent now.</summary>
    public bool ShouldSend(long nowMs)
    {
        if (!_hasSent || nowMs - _lastSentMs >= _intervalMs || nowMs < _lastSentMs)
        {
            _hasSent = true;
            _lastSentMs = nowMs;
            IsPending = false;
            RequestsSent++;
            return true;
        }

        IsPending = true;
        RequestsCoalesced++;
        return false;
    }

    /// <summary>Periodic tick: true when a coalesced request should be sent now.</summary>
    public bool ShouldSendPending(long nowMs)
    {
        if (!IsPending || (nowMs - _lastSentMs < _intervalMs && nowMs >= _lastSentMs))
        {
            return false;
        }

        _lastSentMs = nowMs;
        IsPending = false;
        RequestsSent++;
        return true;
    }

    /// <summary>A key frame arrived: pending requests are satisfied (the interval since the last request still holds).</summary>
    public void OnKeyFrameReceived()
    {
        IsPending = false;
    }
}
