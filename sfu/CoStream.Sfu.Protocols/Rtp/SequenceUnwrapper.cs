namespace CoStream.Sfu.Protocols.Rtp;

/// <summary>
/// Turns 16-bit RTP sequence numbers of one stream into 64-bit extended ones that never wrap
/// (the high bits count the cycles, RFC 3550 §A.1 / LiveKit's "extended sequence numbers").
/// The first number unwraps to itself; each next one is placed at the shortest distance from
/// the highest seen so far, so late (reordered) packets get smaller numbers, possibly negative
/// if they precede the very first. Only a newer packet moves the reference. One per stream;
/// not thread-safe.
/// </summary>
public sealed class SequenceUnwrapper
{
    private bool _started;

    /// <summary>The highest extended number returned so far (valid once <see cref="HasStarted"/>).</summary>
    public long Highest { get; private set; }

    public bool HasStarted => _started;

    /// <summary>Extends <paramref name="sequenceNumber"/> and advances the reference if it is newer.</summary>
    public long Unwrap(ushort sequenceNumber)
    {
        long extended = PeekUnwrap(sequenceNumber);
        if (!_started || extended > Highest)
        {
            Highest = extended;
            _started = true;
        }

        return extended;
    }

    /// <summary>What <see cref="Unwrap"/> would return, without changing state.</summary>
    public long PeekUnwrap(ushort sequenceNumber) =>
        _started ? Highest + SequenceNumber.Distance((ushort)Highest, sequenceNumber) : sequenceNumber;

    public void Reset()
    {
        _started = false;
        Highest = 0;
    }
}
