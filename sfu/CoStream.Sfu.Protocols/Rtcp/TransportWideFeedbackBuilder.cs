namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>
/// The receiver side of transport-wide congestion control: records the arrival time of every
/// transport-wide sequence number a publisher sends and turns them into <see cref="TransportWideFeedback"/>
/// packets. Tolerates reordering, duplicates (the first arrival wins) and sequence wrap-around.
/// Packets that arrive after a feedback already reported them lost are ignored (counted in <see cref="LatePackets"/>).
/// Not thread-safe; allocates only in the constructor.
/// </summary>
public sealed class TransportWideFeedbackBuilder
{
    public const int DefaultMaxPacketSize = 1200;
    /// <summary>Sequence numbers remembered at most; older unreported ones are dropped.</summary>
    public const int WindowSize = 1 << 13;
    private const int WindowMask = WindowSize - 1;
    private const long SequenceModulo = 1 << 16;
    private const long NotReceived = long.MinValue;
    private const int TicksPerReferenceUnit = (int)(TransportWideFeedback.ReferenceTimeUnitUs / TransportWideFeedback.DeltaTickUs);
    private const int ReferenceTimeMask = 0xFFFFFF;
    private const int MinPacketSize = TransportWideFeedback.FixedSize + 4; // one chunk + one large delta
    private const int SmallDeltaMax = byte.MaxValue;

    private readonly long[] _arrivals = new long[WindowSize];
    private readonly byte[] _deltaScratch;
    private readonly int _maxPacketSize;
    private TwccChunkEncoder _encoder;
    private bool _started;
    private bool _hasReported;
    private long _highest;       // unwrapped highest sequence received
    private long _nextToReport;  // unwrapped first sequence not yet reported
    private byte _feedbackCount;
    private int _lastReferenceTime;

    public TransportWideFeedbackBuilder(int maxPacketSize = DefaultMaxPacketSize)
    {
        if (maxPacketSize < MinPacketSize || maxPacketSize > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPacketSize));
        }

        _maxPacketSize = maxPacketSize & ~3;
        _deltaScratch = new byte[_maxPacketSize];
        Array.Fill(_arrivals, NotReceived);
    }

    /// <summary>Packets ignored because a feedback had already reported them (or they fell out of the window).</summary>
    public long LatePackets { get; private set; }

    /// <summary>Duplicate arrivals ignored.</summary>
    public long DuplicatePackets { get; private set; }

    /// <summary>True when packets arrived that no feedback has covered yet.</summary>
    public bool HasPendingFeedback => _started && _nextToReport <= _highest;

    /// <summary>Records one packet's transport-wide sequence number and arrival time (µs, non-negative, any epoch).</summary>
    public void OnPacket(ushort transportSequence, long arrivalTimeUs)
    {
        if (!_started)
        {
            _started = true;
            _highest = SequenceModulo + (long)transportSequence; // one cycle of room below for early reordering
            _nextToReport = _highest;
            _arrivals[_highest & WindowMask] = arrivalTimeUs;
            return;
        }

        long sequence = _highest + (short)(transportSequence - (ushort)_highest);
        if (sequence > _highest)
        {
            long clearFrom = Math.Max(_highest + 1, sequence - WindowSize + 1);
            for (long s = clearFrom; s <= sequence; s++)
            {
                _arrivals[s & WindowMask] = NotReceived;
            }

            _highest = sequence;
            if (_highest - _nextToReport >= WindowSize)
            {
                _nextToReport = _highest - WindowSize + 1;
            }
        }
        else if (sequence < _nextToReport)
        {
            if (_hasReported || _highest - sequence >= WindowSize)
            {
                LatePackets++;
                return;
            }

            // Reordered before the first feedback: the window may still start earlier.
            for (long s = sequence; s < _nextToReport; s++)
            {
                _arrivals[s & WindowMask] = NotReceived;
            }

            _nextToReport = sequence;
        }

        ref long slot = ref _arrivals[sequence & WindowMask];
        if (slot != NotReceived)
        {
            DuplicatePackets++;
            return;
        }

        slot = arrivalTimeUs;
    }

    /// <summary>
    /// Writes feedback packets back to back into <paramref name="destination"/> covering every sequence
    /// number since the last feedback up to the highest received (missing ones as not received). Each packet
    /// is at most the configured size; a new packet also starts when a delta does not fit 16 bits.
    /// What does not fit in <paramref name="destination"/> stays pending. Returns the bytes written.
    /// </summary>
    public int BuildFeedback(Span<byte> destination, uint senderSsrc, uint mediaSsrc)
    {
        int written = 0;
        while (HasPendingFeedback)
        {
            int size = BuildOne(destination.Slice(written), senderSsrc, mediaSsrc);
            if (size == 0)
            {
                break;
            }

            written += size;
        }

        return written;
    }

    private int BuildOne(Span<byte> destination, uint senderSsrc, uint mediaSsrc)
    {
        int limit = Math.Min(_maxPacketSize, destination.Length & ~3);
        if (limit < MinPacketSize)
        {
            return 0;
        }

        var chunkArea = destination.Slice(TransportWideFeedback.FixedSize, limit - TransportWideFeedback.FixedSize);
        _encoder.Reset();
        long sequence = _nextToReport;
        int statusCount = 0;
        int deltaBytes = 0;
        bool haveReference = false;
        int referenceTime = _lastReferenceTime;
        long previousTicks = 0;
        while (sequence <= _highest && statusCount < ushort.MaxValue)
        {
            long arrival = _arrivals[sequence & WindowMask];
            int symbol = (int)TwccPacketStatus.NotReceived;
            long ticks = 0;
            long delta = 0;
            if (arrival != NotReceived)
            {
                ticks = FloorDiv(arrival, TransportWideFeedback.DeltaTickUs);
                if (!haveReference)
                {
                    long reference = FloorDiv(arrival, TransportWideFeedback.ReferenceTimeUnitUs);
                    referenceTime = (int)(reference & ReferenceTimeMask);
                    previousTicks = reference * TicksPerReferenceUnit;
                    haveReference = true;
                }

                delta = ticks - previousTicks;
                if (delta >= 0 && delta <= SmallDeltaMax)
                {
                    symbol = (int)TwccPacketStatus.ReceivedSmallDelta;
                }
                else if (delta >= short.MinValue && delta <= short.MaxValue)
                {
                    symbol = (int)TwccPacketStatus.ReceivedLargeDelta;
                }
                else
                {
                    break; // does not fit: the next packet gets a new reference time
                }
            }

            int size = TransportWideFeedback.FixedSize + (_encoder.ChunkCountAfter(symbol) * TransportWideFeedback.ChunkSize) + deltaBytes + symbol;
            if (RtcpPacket.Align4(size) > limit)
            {
                break;
            }

            _encoder.Add(symbol, chunkArea);
            if (symbol == (int)TwccPacketStatus.ReceivedSmallDelta)
            {
                _deltaScratch[deltaBytes++] = (byte)delta;
            }
            else if (symbol == (int)TwccPacketStatus.ReceivedLargeDelta)
            {
                _deltaScratch[deltaBytes++] = (byte)(delta >> 8);
                _deltaScratch[deltaBytes++] = (byte)delta;
            }

            if (symbol != (int)TwccPacketStatus.NotReceived)
            {
                previousTicks = ticks;
            }

            statusCount++;
            sequence++;
        }

        if (statusCount == 0)
        {
            return 0;
        }

        _encoder.Flush(chunkArea);
        int chunkBytes = _encoder.EmittedChunks * TransportWideFeedback.ChunkSize;
        int unpadded = TransportWideFeedback.FixedSize + chunkBytes + deltaBytes;
        int packetSize = RtcpPacket.Align4(unpadded);
        _deltaScratch.AsSpan(0, deltaBytes).CopyTo(destination.Slice(TransportWideFeedback.FixedSize + chunkBytes));
        destination.Slice(unpadded, packetSize - unpadded).Clear();
        TransportWideFeedback.WriteFixed(
            destination, packetSize, senderSsrc, mediaSsrc, (ushort)_nextToReport, (ushort)statusCount, referenceTime, _feedbackCount);
        _feedbackCount++;
        _lastReferenceTime = referenceTime;
        _nextToReport = sequence;
        _hasReported = true;
        return packetSize;
    }

    private static long FloorDiv(long value, long divisor)
    {
        long quotient = value / divisor;
        return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
    }
}
