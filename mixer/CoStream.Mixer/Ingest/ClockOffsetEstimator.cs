namespace CoStream.Mixer.Ingest;

/// <summary>
/// Estimates "room media time − sender time" for one sender clock as a leaky minimum of
/// (arrival − sender time) samples: the least transit delay seen, so network jitter and frames that
/// arrive over several packets do not move it; it creeps up by at most
/// <see cref="LeakMsPerSecond"/> so a sender clock that runs slow is followed, and drops at once to a
/// lower sample (a sender clock that runs fast).
/// </summary>
public sealed class ClockOffsetEstimator(double leakMsPerSecond = ClockOffsetEstimator.DefaultLeakMsPerSecond)
{
    /// <summary>1 ms/s follows a sender clock up to 1000 ppm slow, far beyond a crystal's ±100 ppm.</summary>
    public const double DefaultLeakMsPerSecond = 1.0;

    private bool _has;
    private double _offset;
    private double _lastArrivalMs;

    public double LeakMsPerSecond { get; } = leakMsPerSecond;
    public bool HasEstimate => _has;
    public double OffsetMs => _offset;

    /// <summary>One sample: a packet sent at <paramref name="senderMs"/> (sender clock) arrived at <paramref name="arrivalMs"/> (media clock).</summary>
    public double Observe(double senderMs, double arrivalMs)
    {
        var sample = arrivalMs - senderMs;
        if (!_has)
        {
            _has = true;
            _offset = sample;
        }
        else
        {
            if (arrivalMs > _lastArrivalMs) _offset += (arrivalMs - _lastArrivalMs) / 1000.0 * LeakMsPerSecond;
            if (sample < _offset) _offset = sample;
        }
        if (arrivalMs > _lastArrivalMs) _lastArrivalMs = arrivalMs;
        return _offset;
    }
}
