namespace CoStream.Sfu.Streams;

/// <summary>
/// Decides which packets of one incoming (publisher-side) stream to NACK and when
/// (RFC 4585 §6.2.1 Generic NACK), and when to give up and ask for a key frame instead.
/// </summary>
/// <remarks>
/// <para><b>Tracking.</b> Sequence numbers are extended to 64 bits from the highest seen (a step of
/// less than 2^15 forward is newer, anything else is older). A newer packet that skips numbers
/// adds the skipped ones to a sorted list of missing packets, stamped with the arrival time. An
/// older packet that is on the list (reordered, or retransmitted by the publisher) is removed.
/// Duplicates and packets too old to be on the list are ignored.</para>
/// <para><b>Timing.</b> <see cref="CollectNacks"/> (the caller's periodic tick, e.g. every 20 ms)
/// reports a missing packet the first time once it has been missing for
/// <c>reorderDelayMs</c> (most reordering heals itself quickly), then again every RTT
/// (<see cref="UpdateRtt"/>; 100 ms until known), at most <c>maxRetries</c> times, and drops it
/// once it has been missing for longer than <c>maxAgeMs</c>. Oldest numbers come first; what
/// does not fit the caller's span waits for the next tick.</para>
/// <para><b>Overflow.</b> When a gap would push the list past <c>maxMissing</c>, entries older than
/// the last key-frame start are dropped first (they are no longer needed to decode); if that is not
/// enough the list is cleared and <see cref="ShouldRequestKeyFrame"/> is raised: NACKs cannot repair
/// such a burst, a key frame can. The same holds for a jump of thousands of numbers. The flag
/// stays up until taken with <see cref="TakeKeyFrameRequest"/> or a key frame arrives.</para>
/// <para>The design follows the ideas of libwebrtc's NackModule and mediasoup's NackGenerator
/// (retries per RTT, a cap on the list, key frame on overflow); the code is our own.</para>
/// </remarks>
public sealed class NackGenerator
{
    public const int DefaultRttMs = 100;

    private readonly Entry[] _entries;
    private readonly int _maxMissing;
    private readonly int _reorderDelayMs;
    private readonly int _maxRetries;
    private readonly int _maxAgeMs;
    private int _count; // entries in use, including recovered ones not yet compacted
    private bool _started;
    private long _highest;
    private long _lastKeyFrame = long.MinValue;

    private struct Entry
    {
        public long Seq;
        public long DetectedMs;
        public long LastSentMs;
        public int Retries;
        public bool Recovered;
    }

    public NackGenerator(int maxMissing = 1000, int reorderDelayMs = 20, int maxRetries = 10, int maxAgeMs = 1500)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMissing);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMissing, 1 << 15);
        ArgumentOutOfRangeException.ThrowIfNegative(reorderDelayMs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRetries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxAgeMs);
        _entries = new Entry[maxMissing];
        _maxMissing = maxMissing;
        _reorderDelayMs = reorderDelayMs;
        _maxRetries = maxRetries;
        _maxAgeMs = maxAgeMs;
    }

    /// <summary>Current spacing of retries (the RTT, clamped to 10..5,000 ms).</summary>
    public int RttMs { get; private set; } = DefaultRttMs;

    /// <summary>Packets currently believed missing.</summary>
    public int MissingCount { get; private set; }

    /// <summary>True when NACKs cannot repair the stream and a PLI/FIR should be sent.</summary>
    public bool ShouldRequestKeyFrame { get; private set; }

    public long NacksSent { get; private set; }
    public long RecoveredAfterNack { get; private set; }
    public long ArrivedLateBeforeNack { get; private set; }
    public long GaveUp { get; private set; }
    public long KeyFrameRequests { get; private set; }
    public long Duplicates { get; private set; }

    /// <summary>Returns and clears <see cref="ShouldRequestKeyFrame"/>.</summary>
    public bool TakeKeyFrameRequest()
    {
        bool should = ShouldRequestKeyFrame;
        ShouldRequestKeyFrame = false;
        return should;
    }

    /// <summary>Sets the round-trip time used to space retries.</summary>
    public void UpdateRtt(int rttMs) => RttMs = Math.Clamp(rttMs, 10, 5000);

    /// <summary>
    /// Records a received packet. <paramref name="isKeyFrameStart"/> is true for the first packet
    /// of a key frame (it bounds what is still worth recovering and satisfies a key-frame request).
    /// </summary>
    public void OnPacket(ushort seq, long nowMs, bool isKeyFrameStart)
    {
        if (!_started)
        {
            _started = true;
            _highest = seq;
            NoteKeyFrame(seq, isKeyFrameStart);
            return;
        }

        int delta = (ushort)(seq - (ushort)_highest);
        if (delta >= 0x8000)
        {
            delta -= 0x10000;
        }

        long ext = _highest + delta;
        NoteKeyFrame(ext, isKeyFrameStart);
        if (delta > 0)
        {
            AddGap(_highest + 1, delta - 1, nowMs);
            _highest = ext;
        }
        else if (delta == 0)
        {
            Duplicates++;
        }
        else
        {
            MarkRecovered(ext);
        }
    }

    /// <summary>
    /// Writes the numbers to NACK now into <paramref name="lost"/> (oldest first) and returns how
    /// many were written; also forgets packets past their last retry or max age.
    /// </summary>
    public int CollectNacks(long nowMs, Span<ushort> lost)
    {
        int written = 0;
        int keep = 0;
        for (int read = 0; read < _count; read++)
        {
            ref Entry entry = ref _entries[read];
            if (entry.Recovered)
            {
                continue;
            }

            if (entry.Retries >= _maxRetries || nowMs - entry.DetectedMs > _maxAgeMs)
            {
                GaveUp++;
                MissingCount--;
                continue;
            }

            bool due = entry.Retries == 0
                ? nowMs - entry.DetectedMs >= _reorderDelayMs
                : nowMs - entry.LastSentMs >= RttMs;
            if (due && written < lost.Length)
            {
                lost[written++] = (ushort)entry.Seq;
                entry.Retries++;
                entry.LastSentMs = nowMs;
                NacksSent++;
            }

            _entries[keep++] = entry;
        }

        _count = keep;
        return written;
    }

    private void NoteKeyFrame(long ext, bool isKeyFrameStart)
    {
        if (isKeyFrameStart)
        {
            ShouldRequestKeyFrame = false;
            if (ext > _lastKeyFrame)
            {
                _lastKeyFrame = ext;
            }
        }
    }

    private void AddGap(long first, int gap, long nowMs)
    {
        if (gap == 0)
        {
            return;
        }

        if (MissingCount + gap > _maxMissing)
        {
            // Packets before the latest key frame are not needed to decode: forget them first.
            // If the new gap itself lies before that key frame, it is not worth tracking either.
            if (_lastKeyFrame > first + gap - 1)
            {
                RemoveBefore(_lastKeyFrame);
                return;
            }

            RemoveBefore(_lastKeyFrame);
            if (MissingCount + gap > _maxMissing)
            {
                RemoveBefore(long.MaxValue);
                ShouldRequestKeyFrame = true;
                KeyFrameRequests++;
                return;
            }
        }

        if (_count + gap > _entries.Length)
        {
            RemoveBefore(long.MinValue); // compaction only
        }

        for (int i = 0; i < gap; i++)
        {
            _entries[_count++] = new Entry { Seq = first + i, DetectedMs = nowMs };
        }

        MissingCount += gap;
    }

    private void MarkRecovered(long ext)
    {
        int lo = 0, hi = _count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            long seq = _entries[mid].Seq;
            if (seq == ext)
            {
                ref Entry entry = ref _entries[mid];
                if (entry.Recovered)
                {
                    Duplicates++;
                    return;
                }

                entry.Recovered = true;
                MissingCount--;
                if (entry.Retries > 0)
                {
                    RecoveredAfterNack++;
                }
                else
                {
                    ArrivedLateBeforeNack++;
                }

                return;
            }

            if (seq < ext)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        Duplicates++; // not missing: a duplicate, or older than anything still tracked
    }

    // Drops recovered entries and every entry older than 'limit', keeping the order.
    private void RemoveBefore(long limit)
    {
        int keep = 0;
        for (int read = 0; read < _count; read++)
        {
            ref Entry entry = ref _entries[read];
            if (entry.Recovered)
            {
                continue;
            }

            if (entry.Seq < limit)
            {
                MissingCount--;
                continue;
            }

            _entries[keep++] = entry;
        }

        _count = keep;
    }
}
