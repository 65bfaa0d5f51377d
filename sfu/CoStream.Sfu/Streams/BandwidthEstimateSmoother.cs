namespace CoStream.Sfu.Streams;

/// <summary>
/// Smooths a subscriber's receiver-side bandwidth estimates (REMB, draft-alvestrand-rmcat-remb,
/// or any other bps figure) before they drive layer selection.
/// </summary>
/// <remarks>
/// A drop is taken at once (it signals congestion, and reacting late costs frozen video); a rise
/// is followed gradually, moving toward the new value by <c>elapsed / riseTimeMs</c> of the
/// distance per update, so one optimistic report does not trigger an up-switch. With no report for
/// <c>staleAfterMs</c> the estimate is unknown (0), which <see cref="SimulcastLayerSelector"/>
/// reads as "keep the current layer". Non-positive reports are ignored.
/// </remarks>
public sealed class BandwidthEstimateSmoother
{
    private readonly int _riseTimeMs;
    private readonly int _staleAfterMs;
    private bool _hasValue;
    private long _value;
    private long _lastUpdateMs;

    public BandwidthEstimateSmoother(int riseTimeMs = 1000, int staleAfterMs = 5000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(riseTimeMs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(staleAfterMs);
        _riseTimeMs = riseTimeMs;
        _staleAfterMs = staleAfterMs;
    }

    /// <summary>Feeds a report; returns the smoothed estimate in bps.</summary>
    public long Update(long reportedBps, long nowMs)
    {
        if (reportedBps <= 0)
        {
            return GetEstimate(nowMs);
        }

        if (!_hasValue || reportedBps <= _value || nowMs - _lastUpdateMs > _staleAfterMs)
        {
            _value = reportedBps;
        }
        else
        {
            long elapsed = Math.Clamp(nowMs - _lastUpdateMs, 0, _riseTimeMs);
            _value += (long)((double)(reportedBps - _value) * elapsed / _riseTimeMs);
        }

        _hasValue = true;
        _lastUpdateMs = nowMs;
        return _value;
    }

    /// <summary>The smoothed estimate in bps, or 0 when unknown or stale.</summary>
    public long GetEstimate(long nowMs) =>
        _hasValue && nowMs - _lastUpdateMs <= _staleAfterMs ? _value : 0;
}
