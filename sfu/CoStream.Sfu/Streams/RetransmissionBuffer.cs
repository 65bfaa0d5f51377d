using System.Buffers;

namespace CoStream.Sfu.Streams;

/// <summary>
/// Keeps copies of the last packets sent on one outgoing (subscriber-side) stream, keyed by the
/// OUTPUT sequence number, so NACKed packets can be sent again (RFC 4585 §6.2.1 Generic NACK).
/// </summary>
/// <remarks>
/// <para><b>Storage.</b> A ring of <see cref="SlotCount"/> slots (the capacity rounded up to a
/// power of two, at most 2^15) indexed by <c>seq mod SlotCount</c>. Each slot holds one buffer
/// rented from <see cref="ArrayPool{T}.Shared"/> with room for <see cref="MaxPacketSize"/> bytes,
/// reused for the next packet landing in that slot, and returned when the entry expires or on
/// <see cref="Dispose"/>. Memory is therefore bounded by <c>SlotCount × MaxPacketSize</c> (pool
/// rounding aside) whatever the input, and by the packets of the last <see cref="MaxAgeMs"/> when
/// the stream is steady.</para>
/// <para><b>Window.</b> The newest stored number is the reference: a number newer than it (less
/// than 2^15 ahead) moves the window; an older number is stored only while it is less than
/// <see cref="SlotCount"/> behind.</para>
/// <para><b>Serving.</b> <see cref="TryGet"/> refuses an entry older than <see cref="MaxAgeMs"/>
/// and an entry already resent less than <see cref="ResendIntervalMs"/> ago (max of the configured
/// minimum and the last RTT): a burst of NACKs for the same loss costs one resend per RTT.</para>
/// <para>Not thread-safe: one stream, one caller at a time.</para>
/// </remarks>
public sealed class RetransmissionBuffer : IDisposable
{
    private const long Never = long.MinValue;
    private const int MaxSlots = 1 << 15;

    private readonly Slot[] _slots;
    private readonly int _mask;
    private readonly int _minResendIntervalMs;
    private bool _hasHighest;
    private ushort _highest;
    private ushort _evictCursor;
    private bool _disposed;

    private struct Slot
    {
        public byte[]? Buffer;
        public int Length;
        public ushort Seq;
        public bool Valid;
        public long StoredMs;
        public long LastResentMs;
    }

    /// <summary>Creates a buffer for about <paramref name="capacity"/> packets of at most <paramref name="maxPacketSize"/> bytes.</summary>
    public RetransmissionBuffer(int capacity = 1000, int maxAgeMs = 2000, int minResendIntervalMs = 10, int maxPacketSize = 1500)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxAgeMs);
        ArgumentOutOfRangeException.ThrowIfNegative(minResendIntervalMs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPacketSize);
        int slots = (int)Math.Min(MaxSlots, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity));
        _slots = new Slot[slots];
        _mask = slots - 1;
        MaxAgeMs = maxAgeMs;
        MaxPacketSize = maxPacketSize;
        _minResendIntervalMs = minResendIntervalMs;
        ResendIntervalMs = minResendIntervalMs;
    }

    public int SlotCount => _slots.Length;
    public int MaxAgeMs { get; }
    public int MaxPacketSize { get; }

    /// <summary>Minimum time between two resends of the same packet: max(configured minimum, RTT).</summary>
    public int ResendIntervalMs { get; private set; }

    /// <summary>Packets currently held.</summary>
    public int Count { get; private set; }

    public long Hits { get; private set; }
    public long MissesNotFound { get; private set; }
    public long MissesExpired { get; private set; }
    public long MissesRateLimited { get; private set; }
    public long Misses => MissesNotFound + MissesExpired + MissesRateLimited;

    /// <summary>Stores refused: empty, larger than <see cref="MaxPacketSize"/>, too old for the window, or after dispose.</summary>
    public long StoresRefused { get; private set; }

    /// <summary>Sets the round-trip time used to space resends of one packet.</summary>
    public void UpdateRtt(int rttMs) => ResendIntervalMs = Math.Max(_minResendIntervalMs, Math.Clamp(rttMs, 0, 10_000));

    /// <summary>
    /// Copies <paramref name="plainRtpPacket"/> (the unencrypted packet as sent, with its output
    /// sequence number <paramref name="seq"/>). Returns false when the packet was not stored.
    /// </summary>
    public bool Store(ushort seq, ReadOnlySpan<byte> plainRtpPacket, long nowMs)
    {
        if (_disposed || plainRtpPacket.IsEmpty || plainRtpPacket.Length > MaxPacketSize)
        {
            StoresRefused++;
            return false;
        }

        if (!_hasHighest)
        {
            _hasHighest = true;
            _highest = seq;
            _evictCursor = seq;
        }
        else
        {
            int forward = (ushort)(seq - _highest);
            if (forward != 0 && forward < 0x8000)
            {
                _highest = seq;
            }
            else if (forward != 0 && 0x10000 - forward >= _slots.Length)
            {
                StoresRefused++;
                return false;
            }

            // A late store behind the eviction cursor pulls the cursor back so it can expire.
            int cursorBehind = (ushort)(_evictCursor - seq);
            if (cursorBehind != 0 && cursorBehind < 0x8000)
            {
                _evictCursor = seq;
            }
        }

        ref Slot slot = ref _slots[seq & _mask];
        if (slot.Buffer is null)
        {
            slot.Buffer = ArrayPool<byte>.Shared.Rent(MaxPacketSize);
        }

        if (!slot.Valid)
        {
            Count++;
        }

        plainRtpPacket.CopyTo(slot.Buffer);
        slot.Length = plainRtpPacket.Length;
        slot.Seq = seq;
        slot.Valid = true;
        slot.StoredMs = nowMs;
        slot.LastResentMs = Never;

        EvictExpired(nowMs);
        return true;
    }

    /// <summary>
    /// Finds packet <paramref name="seq"/> for a resend. The span stays valid until the next
    /// <see cref="Store"/>, <see cref="EvictExpired"/> or <see cref="Dispose"/>. Each success
    /// counts as a resend for the rate limit.
    /// </summary>
    public bool TryGet(ushort seq, long nowMs, out ReadOnlySpan<byte> packet)
    {
        packet = default;
        ref Slot slot = ref _slots[seq & _mask];
        if (_disposed || !slot.Valid || slot.Seq != seq)
        {
            MissesNotFound++;
            return false;
        }

        if (nowMs - slot.StoredMs > MaxAgeMs)
        {
            MissesExpired++;
            return false;
        }

        if (slot.LastResentMs != Never && nowMs - slot.LastResentMs < ResendIntervalMs)
        {
            MissesRateLimited++;
            return false;
        }

        slot.LastResentMs = nowMs;
        Hits++;
        packet = new ReadOnlySpan<byte>(slot.Buffer, 0, slot.Length);
        return true;
    }

    /// <summary>
    /// Returns the buffers of entries older than <see cref="MaxAgeMs"/> to the pool (oldest first,
    /// stopping at the first entry still young). Called by <see cref="Store"/>; call it from a
    /// periodic tick too if the stream may go quiet.
    /// </summary>
    public void EvictExpired(long nowMs)
    {
        if (!_hasHighest || _disposed)
        {
            return;
        }

        int behind = (ushort)(_highest - _evictCursor);
        if (behind >= 0x8000)
        {
            return; // cursor already past the newest
        }

        if (behind >= _slots.Length)
        {
            _evictCursor = (ushort)(_highest - _slots.Length + 1);
        }

        while (Count > 0)
        {
            ref Slot slot = ref _slots[_evictCursor & _mask];
            if (slot.Valid && slot.Seq == _evictCursor && nowMs - slot.StoredMs <= MaxAgeMs)
            {
                return; // the oldest in-window entry is still young
            }

            if (slot.Valid)
            {
                Release(ref slot); // expired, or a stale entry from an earlier lap
            }

            if (_evictCursor == _highest)
            {
                _evictCursor++;
                return;
            }

            _evictCursor++;
        }
    }

    /// <summary>Returns every buffer to the pool; the buffer stores and serves nothing afterwards.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (int i = 0; i < _slots.Length; i++)
        {
            ref Slot slot = ref _slots[i];
            if (slot.Buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(slot.Buffer);
                slot = default;
            }
        }

        Count = 0;
    }

    private void Release(ref Slot slot)
    {
        if (slot.Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(slot.Buffer);
        }

        slot = default;
        Count--;
    }
}
