namespace CoStream.Sfu.Protocols.Rtp;

/// <summary>
/// Turns 32-bit RTP timestamps of one stream into 64-bit extended ones that never wrap; same
/// rules as <see cref="SequenceUnwrapper"/> (shortest distance from the highest seen, only a
/// later timestamp moves the reference). One per stream; not thread-safe.
/// </summary>
public sealed class TimestampUnwrapper
{
    private bool _started;

    public long Highest { get; private set; }

    public bool HasStarted => _started;

    public long Unwrap(uint timestamp)
    {
        long extended = PeekUnwrap(timestamp);
        if (!_started || extended > Highest)
        {
            Highest = extended;
            _started = true;
        }

        return extended;
    }

    public long PeekUnwrap(uint timestamp) =>
        _started ? Highest + RtpTimestamp.Distance((uint)Highest, timestamp) : timestamp;

    public void Reset()
    {
        _started = false;
        Highest = 0;
    }
}
