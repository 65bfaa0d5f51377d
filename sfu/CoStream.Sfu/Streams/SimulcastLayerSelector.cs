namespace CoStream.Sfu.Streams;

/// <summary>
/// Chooses which simulcast layer of a publisher one subscriber receives, from the layers'
/// measured bitrates and the subscriber's estimated available bandwidth (e.g. REMB).
/// </summary>
/// <remarks>
/// <para>Layers are indexes 0..n−1 in rising quality (the spatial index; the caller maps rids /
/// SSRCs to indexes). A layer measured at 0 bps is not being sent and is never chosen.</para>
/// <para><b>Target.</b> <see cref="Update"/> moves <see cref="TargetLayer"/>:</para>
/// <list type="bullet">
/// <item>no valid target yet, or the target stopped or is above <see cref="MaxLayer"/>: at once,
/// the highest sent layer ≤ <see cref="MaxLayer"/> whose bitrate fits the estimate, else the
/// lowest sent layer (also when the estimate is unknown, ≤ 0);</item>
/// <item>down at once when the estimate falls below the target's bitrate: to the highest lower
/// layer that fits, else the lowest sent layer;</item>
/// <item>up only when some higher sent layer ≤ <see cref="MaxLayer"/> has had
/// <c>estimate ≥ its bitrate × upMargin</c> (default 1.2) at every update for
/// <c>upHoldMs</c> (default 2 s); then to the highest such layer.</item>
/// </list>
/// <para><b>Current.</b> The subscriber keeps receiving <see cref="CurrentLayer"/> until a key
/// frame of the target arrives (<see cref="OnKeyFrame"/>), since a decoder cannot start a layer
/// mid-stream. Each target change raises a key-frame request (<see cref="TakeKeyFrameRequest"/>);
/// <see cref="KeyFrameNeeded"/> stays true while the switch is pending, for the caller's periodic
/// retries through a <see cref="KeyFrameRequestThrottle"/>. On a switch, the caller starts a new
/// source on its <see cref="SequenceMapper"/> and <see cref="TimestampMapper"/>.</para>
/// </remarks>
public sealed class SimulcastLayerSelector
{
    private readonly int _upHoldMs;
    private readonly double _upMargin;
    private bool _upPending;
    private long _upSinceMs;
    private bool _keyFrameRequested;

    public SimulcastLayerSelector(int upHoldMs = 2000, double upMargin = 1.2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(upHoldMs);
        ArgumentOutOfRangeException.ThrowIfLessThan(upMargin, 1.0);
        _upHoldMs = upHoldMs;
        _upMargin = upMargin;
    }

    /// <summary>The layer the subscriber should receive (−1 until a layer is known to be sent).</summary>
    public int TargetLayer { get; private set; } = -1;

    /// <summary>The layer being forwarded (−1 until the first key frame of a target).</summary>
    public int CurrentLayer { get; private set; } = -1;

    /// <summary>The subscriber's highest wanted layer (e.g. from its viewport size).</summary>
    public int MaxLayer { get; set; } = int.MaxValue;

    /// <summary>True while the target differs from the current layer (a key frame of the target is awaited).</summary>
    public bool KeyFrameNeeded => TargetLayer >= 0 && TargetLayer != CurrentLayer;

    /// <summary>True when a packet of <paramref name="layer"/> should be forwarded to this subscriber.</summary>
    public bool ShouldForward(int layer) => layer >= 0 && layer == CurrentLayer;

    /// <summary>Returns and clears the key-frame request raised by the last target change.</summary>
    public bool TakeKeyFrameRequest()
    {
        bool requested = _keyFrameRequested;
        _keyFrameRequested = false;
        return requested;
    }

    /// <summary>
    /// Re-evaluates the target from the layers' bitrates (index = layer; 0 = not sent) and the
    /// available bandwidth in bps. Returns true when the target changed.
    /// </summary>
    public bool Update(ReadOnlySpan<long> layerBitratesBps, long availableBps, long nowMs)
    {
        int max = Math.Min(MaxLayer, layerBitratesBps.Length - 1);
        int lowest = LowestActive(layerBitratesBps, max);
        if (lowest < 0)
        {
            lowest = LowestActive(layerBitratesBps, layerBitratesBps.Length - 1); // nothing under the cap: show something
            max = lowest;
        }

        if (lowest < 0)
        {
            _upPending = false;
            return false; // nothing is being sent: keep the state
        }

        int target = TargetLayer;
        bool targetValid = target >= 0 && target <= max && target < layerBitratesBps.Length && layerBitratesBps[target] > 0;
        if (!targetValid)
        {
            _upPending = false;
            return SetTarget(availableBps > 0 ? BestFit(layerBitratesBps, max, availableBps, lowest) : lowest);
        }

        if (availableBps <= 0)
        {
            _upPending = false;
            return false;
        }

        if (availableBps < layerBitratesBps[target])
        {
            _upPending = false;
            return SetTarget(BestFit(layerBitratesBps, target - 1, availableBps, lowest));
        }

        int up = -1;
        for (int layer = max; layer > target; layer--)
        {
            long bitrate = layerBitratesBps[layer];
            if (bitrate > 0 && availableBps >= bitrate * _upMargin)
            {
                up = layer;
                break;
            }
        }

        if (up < 0)
        {
            _upPending = false;
            return false;
        }

        if (!_upPending)
        {
            _upPending = true;
            _upSinceMs = nowMs;
        }

        if (nowMs - _upSinceMs < _upHoldMs)
        {
            return false;
        }

        _upPending = false;
        return SetTarget(up);
    }

    /// <summary>
    /// A key frame of <paramref name="layer"/> arrived: if it is the target, it becomes the current
    /// layer and this returns true (the caller then switches its sequence/timestamp mappers).
    /// </summary>
    public bool OnKeyFrame(int layer)
    {
        if (layer < 0 || layer != TargetLayer || layer == CurrentLayer)
        {
            return false;
        }

        CurrentLayer = layer;
        return true;
    }

    private bool SetTarget(int layer)
    {
        if (layer == TargetLayer)
        {
            return false;
        }

        TargetLayer = layer;
        _keyFrameRequested = layer != CurrentLayer;
        return true;
    }

    private static int LowestActive(ReadOnlySpan<long> bitrates, int max)
    {
        for (int layer = 0; layer <= max; layer++)
        {
            if (bitrates[layer] > 0)
            {
                return layer;
            }
        }

        return -1;
    }

    private static int BestFit(ReadOnlySpan<long> bitrates, int max, long availableBps, int fallback)
    {
        for (int layer = Math.Min(max, bitrates.Length - 1); layer >= 0; layer--)
        {
            if (bitrates[layer] > 0 && bitrates[layer] <= availableBps)
            {
                return layer;
            }
        }

        return fallback;
    }
}
