namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>
/// Reception statistics of one received media SSRC, producing the report block an RR/SR carries:
/// sequence tracking per RFC 3550 Appendix A.1, loss per A.3, jitter per A.8, LSR/DLSR per §6.4.1.
/// </summary>
/// <remarks>
/// As in A.1, duplicates and reordered packets count as received, so cumulative lost can go negative.
/// A jump of more than <see cref="MaxDropout"/> ahead (or <see cref="MaxMisorder"/> behind) is dropped
/// unless the next packet follows it, which restarts the counts (the source restarted).
/// Probation: <c>minSequential</c> in-order packets are needed before counting starts; A.1 suggests 2,
/// the default 1 counts from the first packet (SRTP has already authenticated it). Not thread-safe.
/// </remarks>
public sealed class ReceiveStatistics
{
    public const int MaxDropout = 3000;
    public const int MaxMisorder = 100;
    private const int SequenceModulo = 1 << 16;
    private const long MicrosPerSecond = 1_000_000;

    private readonly int _minSequential;
    private ushort _maxSequence;
    private uint _cycles;          // shifted count of sequence-number cycles (multiple of 65536)
    private uint _baseSequence;
    private uint _badSequence;
    private int _probation;
    private bool _started;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;
    private int _transit;
    private bool _hasTransit;
    private long _jitterQ4;        // jitter × 16, as in A.8
    private bool _hasSenderReport;
    private uint _lastSenderReport;
    private long _lastSenderReportArrivalUs;

    public ReceiveStatistics(uint ssrc, int minSequential = 1)
    {
        if (minSequential < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minSequential));
        }

        Ssrc = ssrc;
        _minSequential = minSequential;
    }

    /// <summary>The media SSRC the statistics are about.</summary>
    public uint Ssrc { get; }

    /// <summary>Packets counted as received (duplicates included, as in A.1).</summary>
    public long PacketsReceived => _received;

    /// <summary>Cycles (high 16 bits) and highest sequence number received (low 16 bits).</summary>
    public uint ExtendedHighestSequence => _cycles + _maxSequence;

    /// <summary>Packets expected: extended highest − base + 1 (0 before counting starts).</summary>
    public long PacketsExpected => _started && _probation == 0 ? (long)ExtendedHighestSequence - _baseSequence + 1 : 0;

    /// <summary>Interarrival jitter in RTP timestamp units.</summary>
    public uint Jitter => (uint)Math.Min(_jitterQ4 >> 4, uint.MaxValue);

    /// <summary>
    /// Records one RTP packet. <paramref name="clockRate"/> is the payload's RTP clock (Hz).
    /// Returns false when A.1 does not count the packet (probation, or a big jump awaiting confirmation).
    /// </summary>
    public bool OnPacket(ushort sequence, uint rtpTimestamp, long arrivalTimeUs, int clockRate)
    {
        if (!_started)
        {
            _started = true;
            InitSequence(sequence);
            _maxSequence = (ushort)(sequence - 1);
            _probation = _minSequential;
        }

        if (!UpdateSequence(sequence))
        {
            return false;
        }

        UpdateJitter(rtpTimestamp, arrivalTimeUs, clockRate);
        return true;
    }

    /// <summary>Records the arrival of an SR from this source (its 64-bit NTP timestamp).</summary>
    public void OnSenderReport(ulong ntpTimestamp, long arrivalTimeUs)
    {
        _hasSenderReport = true;
        _lastSenderReport = NtpTime.ToCompact(ntpTimestamp);
        _lastSenderReportArrivalUs = arrivalTimeUs;
    }

    /// <summary>
    /// Builds the report block for this source at <paramref name="nowUs"/> (same clock as the arrivals)
    /// and starts a new interval for the fraction lost (A.3).
    /// </summary>
    public ReportBlock CreateReportBlock(long nowUs)
    {
        long expected = PacketsExpected;
        long lost = expected - _received;
        long expectedInterval = expected - _expectedPrior;
        long receivedInterval = _received - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = _received;
        long lostInterval = expectedInterval - receivedInterval;
        byte fraction = expectedInterval == 0 || lostInterval <= 0
            ? (byte)0
            : (byte)Math.Min((lostInterval << 8) / expectedInterval, byte.MaxValue);

        uint lsr = 0;
        uint dlsr = 0;
        if (_hasSenderReport)
        {
            lsr = _lastSenderReport;
            dlsr = NtpTime.DurationToCompact(nowUs - _lastSenderReportArrivalUs);
        }

        return new ReportBlock(
            Ssrc,
            fraction,
            (int)Math.Clamp(lost, ReportBlock.MinCumulativeLost, ReportBlock.MaxCumulativeLost),
            _started && _probation == 0 ? ExtendedHighestSequence : 0,
            Jitter,
            lsr,
            dlsr);
    }

    private void InitSequence(ushort sequence)
    {
        _baseSequence = sequence;
        _maxSequence = sequence;
        _badSequence = SequenceModulo + 1; // so seq == bad_seq is false
        _cycles = 0;
        _received = 0;
        _receivedPrior = 0;
        _expectedPrior = 0;
    }

    /// <summary>A.1 update_seq.</summary>
    private bool UpdateSequence(ushort sequence)
    {
        ushort delta = (ushort)(sequence - _maxSequence);
        if (_probation > 0)
        {
            if (sequence == (ushort)(_maxSequence + 1))
            {
                _probation--;
                _maxSequence = sequence;
                if (_probation == 0)
                {
                    InitSequence(sequence);
                    _received++;
                    return true;
                }
            }
            else
            {
                _probation = _minSequential - 1;
                _maxSequence = sequence;
            }

            return false;
        }

        if (delta < MaxDropout)
        {
            if (sequence < _maxSequence)
            {
                _cycles += SequenceModulo;
            }

            _maxSequence = sequence;
        }
        else if (delta <= SequenceModulo - MaxMisorder)
        {
            if (sequence == _badSequence)
            {
                InitSequence(sequence);
                _hasTransit = false;
            }
            else
            {
                _badSequence = (uint)((sequence + 1) & (SequenceModulo - 1));
                return false;
            }
        }

        // else: duplicate or reordered packet, counted as received.
        _received++;
        return true;
    }

    /// <summary>A.8: J += (|D| − J) / 16 with D the change in relative transit time, kept ×16 in integers.</summary>
    private void UpdateJitter(uint rtpTimestamp, long arrivalTimeUs, int clockRate)
    {
        long seconds = Math.DivRem(arrivalTimeUs, MicrosPerSecond, out long micros);
        long arrivalRtp = (seconds * clockRate) + (micros * clockRate / MicrosPerSecond);
        int transit = unchecked((int)((uint)arrivalRtp - rtpTimestamp));
        if (_hasTransit)
        {
            long d = Math.Abs((long)unchecked(transit - _transit));
            _jitterQ4 += d - ((_jitterQ4 + 8) >> 4);
        }

        _transit = transit;
        _hasTransit = true;
    }
}
