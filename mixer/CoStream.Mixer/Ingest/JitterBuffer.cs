using System.Buffers;
using System.Diagnostics;
using CoStream.Sfu.Protocols.Rtp;

namespace CoStream.Mixer.Ingest;

/// <summary>
/// Per-track reordering buffer between the SFU tap and a depacketizer. Packets are placed by their
/// extended (unwrapped) sequence number in a ring; <see cref="TryTakeFrame"/> hands out whole frames in
/// order — the packets from the playout point to the marker bit, or to the packet before a timestamp
/// change (or one packet per frame for audio). A complete frame goes out at once; a gap is waited for
/// at most <see cref="JitterBufferOptions.MaxWaitMs"/> after a later packet showed it, then its packets
/// are counted lost, the partial frame before it is dropped, and the next frame is flagged
/// <see cref="JitterFrame.AfterLoss"/>. Late, duplicate and far-ahead packets are dropped and counted.
/// One thread (the ingest thread); owns the pooled arrays it is given.
/// </summary>
public sealed class JitterBuffer : IDisposable
{
    private readonly JitterPacket?[] _slots;
    private readonly int _mask;
    private readonly long _maxWaitTicks;
    private readonly bool _packetIsFrame;
    private readonly IngestCounters _counters;
    private readonly SequenceUnwrapper _unwrapper = new();
    private readonly List<JitterPacket> _frame = [];
    private readonly ArrayPool<byte> _pool;
    private long _next;
    private long _highest;
    private bool _started;
    private bool _afterLoss = true;
    private bool _emitted;
    private int _lateRun;

    /// <summary>This many late packets in a row mean the sender jumped back (a restarted sequence), not stragglers.</summary>
    public const int LateRunRestart = 32;
    private int _count;

    /// <param name="pool">Where the packets' arrays come from and go back to (default <see cref="ArrayPool{T}.Shared"/>).</param>
    public JitterBuffer(JitterBufferOptions options, IngestCounters counters, ArrayPool<byte>? pool = null)
    {
        _pool = pool ?? ArrayPool<byte>.Shared;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Capacity, 2);
        if ((options.Capacity & (options.Capacity - 1)) != 0) throw new ArgumentException("Capacity must be a power of two.", nameof(options));
        _slots = new JitterPacket?[options.Capacity];
        _mask = options.Capacity - 1;
        _maxWaitTicks = options.MaxWaitMs * Stopwatch.Frequency / 1000;
        _packetIsFrame = options.PacketIsFrame;
        _counters = counters;
    }

    /// <summary>Packets held now.</summary>
    public int Count => _count;

    /// <summary>
    /// Takes ownership of <paramref name="pooledPacket"/> (an array of the buffer's pool holding
    /// a whole RTP packet in its first <paramref name="length"/> bytes): buffers it, or returns it to the pool
    /// with the reason it was dropped.
    /// </summary>
    public IngestDropReason Insert(byte[] pooledPacket, int length, long arrivalTicks, int expectedPayloadType = -1)
    {
        var packet = pooledPacket.AsSpan(0, length);
        var reason = RtpHeader.TryRead(packet, out var header, out _) != RtpError.None ? IngestDropReason.MalformedRtp
            : expectedPayloadType >= 0 && header.PayloadType != expectedPayloadType ? IngestDropReason.UnexpectedPayloadType
            : IngestDropReason.None;
        if (reason != IngestDropReason.None) return Refuse(pooledPacket, reason);

        if (header.PayloadLength == 0) return Refuse(pooledPacket, IngestDropReason.MalformedPayload);
        var extended = _unwrapper.Unwrap(header.SequenceNumber);
        if (!_started)
        {
            _started = true;
            _next = extended;
            _highest = extended;
        }
        if (extended < _next)
        {
            // Before the first frame has gone out, a packet older than the first one seen (reordering at the
            // start) moves the playout point back, as far as the ring allows.
            if (_emitted || _highest - extended >= _slots.Length)
            {
                if (++_lateRun < LateRunRestart) return Refuse(pooledPacket, IngestDropReason.Late);
                extended = Restart(header.SequenceNumber);
            }
            else
            {
                _next = extended;
            }
        }
        else if (extended - _next >= _slots.Length)
        {
            // A jump the ring cannot hold (a long outage): start again from here.
            extended = Restart(header.SequenceNumber);
        }
        _lateRun = 0;
        ref var slot = ref _slots[extended & _mask];
        if (slot is not null) return Refuse(pooledPacket, IngestDropReason.Duplicate);
        slot = new JitterPacket(pooledPacket, header.PayloadOffset, header.PayloadLength, extended, header.Timestamp, header.Marker, arrivalTicks);
        _count++;
        if (extended > _highest) _highest = extended;
        return IngestDropReason.None;
    }

    /// <summary>Drops everything held (counted as <see cref="IngestDropReason.BufferOverflow"/>) and starts again at <paramref name="sequence"/>.</summary>
    private long Restart(ushort sequence)
    {
        _counters.Drop(IngestDropReason.BufferOverflow, _count);
        Flush();
        _unwrapper.Reset();
        var extended = _unwrapper.Unwrap(sequence);
        _next = _highest = extended;
        _afterLoss = true;
        _lateRun = 0;
        return extended;
    }

    /// <summary>
    /// The next frame that is ready at <paramref name="nowTicks"/>; its packets stay valid until the next
    /// call (their arrays are then returned to the pool).
    /// </summary>
    public bool TryTakeFrame(long nowTicks, out JitterFrame frame)
    {
        ReleaseFrame();
        while (_count > 0)
        {
            if (_slots[_next & _mask] is { } first)
            {
                var end = FindFrameEnd(first, out var gap);
                if (end >= 0)
                {
                    for (var s = _next; s <= end; s++) _frame.Add(Take(s));
                    _next = end + 1;
                    frame = new JitterFrame(_frame, _afterLoss);
                    _afterLoss = false;
                    _emitted = true;
                    return true;
                }
                if (gap < 0 || !GapExpired(gap, nowTicks)) break;
                // The frame cannot complete: drop what we have of it; the gap is skipped below.
                for (var s = _next; s < gap; s++) Return(Take(s));
                _counters.Drop(IngestDropReason.IncompleteFrame);
                _next = gap;
                _afterLoss = true;
                continue;
            }
            if (!GapExpired(_next, nowTicks)) break;
            var present = NextPresent(_next);
            _counters.Drop(IngestDropReason.Lost, present - _next);
            _next = present;
            _afterLoss = true;
        }
        frame = default;
        return false;
    }

    /// <summary>Last sequence of the frame starting at <see cref="_next"/>, or -1 with the first missing sequence in <paramref name="gap"/> (-1: none yet).</summary>
    private long FindFrameEnd(JitterPacket first, out long gap)
    {
        gap = -1;
        for (var s = _next; s <= _highest; s++)
        {
            if (_slots[s & _mask] is not { } p) { gap = s; return -1; }
            if (_packetIsFrame) return s;
            if (p.Timestamp != first.Timestamp) return s - 1;
            if (p.Marker) return s;
        }
        return -1;
    }

    /// <summary>True when a packet after the missing <paramref name="missing"/> arrived more than the wait ago.</summary>
    private bool GapExpired(long missing, long nowTicks)
    {
        var present = NextPresent(missing);
        return present <= _highest && _slots[present & _mask] is { } p && nowTicks - p.ArrivalTicks >= _maxWaitTicks;
    }

    private long NextPresent(long from)
    {
        var s = from;
        while (s <= _highest && _slots[s & _mask] is null) s++;
        return s;
    }

    private JitterPacket Take(long sequence)
    {
        ref var slot = ref _slots[sequence & _mask];
        var p = slot!.Value;
        slot = null;
        _count--;
        return p;
    }

    private void ReleaseFrame()
    {
        foreach (var p in _frame) Return(p);
        _frame.Clear();
    }

    private IngestDropReason Refuse(byte[] array, IngestDropReason reason)
    {
        _counters.Drop(reason);
        _pool.Return(array);
        return reason;
    }

    private void Return(JitterPacket p) => _pool.Return(p.Buffer);

    private void Flush()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is { } p) Return(p);
            _slots[i] = null;
        }
        _count = 0;
    }

    public void Dispose()
    {
        ReleaseFrame();
        Flush();
    }
}

/// <summary>Settings of one <see cref="JitterBuffer"/>.</summary>
public sealed record JitterBufferOptions
{
    /// <summary>Ring size in packets (a power of two): the furthest a packet may be ahead of the playout point.</summary>
    public int Capacity { get; init; } = 1024;

    /// <summary>The latency target: how long a gap is waited for (NACK retransmission, reordering) before it counts as lost.</summary>
    public int MaxWaitMs { get; init; } = 60;

    /// <summary>Every packet is a frame (Opus, RFC 7587 §4.2); otherwise frames end at the marker bit or a timestamp change.</summary>
    public bool PacketIsFrame { get; init; }
}

/// <summary>A frame out of a <see cref="JitterBuffer"/>: its packets in sequence order (valid until the next take), and whether packets were lost just before it.</summary>
public readonly struct JitterFrame(List<JitterPacket> packets, bool afterLoss)
{
    public IReadOnlyList<JitterPacket> Packets => packets;
    public bool AfterLoss => afterLoss;
    public uint Timestamp => packets[0].Timestamp;
    public long FirstArrivalTicks => packets[0].ArrivalTicks;
}
