using System.Diagnostics;
using CoStream.Sfu.Protocols.Sdp;

namespace CoStream.Sfu.Routing;

/// <summary>A published track as a room tap sees it: who sends it, what kind, and its one negotiated codec.</summary>
public sealed record TapTrack(string ProducerId, string Participant, MediaKind Kind, string CodecName, int ClockRate, byte PayloadType);

/// <summary>
/// An in-process listener on one room's inbound media (the mixer's ingest). Every method is called
/// ON THE SFU'S LOOP THREAD: an implementation copies what it needs into its own (pooled) buffer,
/// queues it and returns at once — never blocks, never keeps the span.
/// </summary>
public interface IRoomTap
{
    /// <summary>A producer was published in the room (or already was when the tap attached).</summary>
    void OnProducerAdded(TapTrack track);

    /// <summary>A producer left (its transport closed).</summary>
    void OnProducerRemoved(TapTrack track);

    /// <summary>A decrypted, parsed inbound RTP packet of one of the room's producers (header included).</summary>
    /// <param name="arrivalTicks">Arrival time as a <see cref="Stopwatch.GetTimestamp"/> value.</param>
    void OnRtp(TapTrack track, uint ssrc, ReadOnlySpan<byte> packet, long arrivalTicks);

    /// <summary>A publisher's RTCP sender report for one of its streams: NTP (64-bit) ↔ RTP timestamp.</summary>
    void OnSenderReport(TapTrack track, uint ssrc, ulong ntpTimestamp, uint rtpTimestamp, long arrivalTicks);
}

/// <summary>
/// The taps attached to one room id. Kept by the <see cref="Transport.Router"/> per room id (not per
/// <see cref="Room"/> object, which goes away when the room empties), so a tap attached before anyone
/// publishes sees the first producer. Loop thread only; the array is replaced, never mutated, so a
/// dispatch in progress is unaffected by attach/detach.
/// </summary>
internal sealed class RoomTaps
{
    private static readonly long TicksPerMicrosecond = Math.Max(1, Stopwatch.Frequency / 1_000_000);
    private IRoomTap[] _taps = [];

    public bool IsEmpty => _taps.Length == 0;

    /// <summary>Counts exceptions thrown by a tap (they are caught: a tap must not break forwarding).</summary>
    public long Errors { get; private set; }

    public void Add(IRoomTap tap) => _taps = [.. _taps, tap];

    public void Remove(IRoomTap tap) => _taps = _taps.Where(t => t != tap).ToArray();

    public void OnProducerAdded(Producer producer)
    {
        foreach (var tap in _taps)
            try { tap.OnProducerAdded(producer.TapTrack); } catch (Exception) { Errors++; }
    }

    public void OnProducerRemoved(Producer producer)
    {
        foreach (var tap in _taps)
            try { tap.OnProducerRemoved(producer.TapTrack); } catch (Exception) { Errors++; }
    }

    public void OnRtp(Producer producer, uint ssrc, ReadOnlySpan<byte> packet, long nowUs)
    {
        var taps = _taps;
        for (var i = 0; i < taps.Length; i++)
            try { taps[i].OnRtp(producer.TapTrack, ssrc, packet, nowUs * TicksPerMicrosecond); } catch (Exception) { Errors++; }
    }

    public void OnSenderReport(Producer producer, uint ssrc, ulong ntp, uint rtp, long nowUs)
    {
        var taps = _taps;
        for (var i = 0; i < taps.Length; i++)
            try { taps[i].OnSenderReport(producer.TapTrack, ssrc, ntp, rtp, nowUs * TicksPerMicrosecond); } catch (Exception) { Errors++; }
    }
}

/// <summary>Room taps by room id (loop thread only).</summary>
internal sealed class RoomTapRegistry
{
    private readonly Dictionary<string, RoomTaps> _byRoom = new(StringComparer.Ordinal);

    public RoomTaps? Find(string room) => _byRoom.GetValueOrDefault(room);

    public RoomTaps GetOrCreate(string room)
    {
        if (!_byRoom.TryGetValue(room, out var taps)) _byRoom[room] = taps = new RoomTaps();
        return taps;
    }

    public void Remove(string room, IRoomTap tap)
    {
        if (!_byRoom.TryGetValue(room, out var taps)) return;
        taps.Remove(tap);
    }
}

/// <summary>
/// What <see cref="SfuServer.AttachRoomTap"/> hands out: forwards to the caller's tap until disposed
/// (from any thread); after that nothing more reaches the tap, even before the loop has removed it.
/// </summary>
internal sealed class RoomTapSubscription(IRoomTap inner, Action<RoomTapSubscription> detach) : IRoomTap, IDisposable
{
    private volatile bool _detached;

    public void OnProducerAdded(TapTrack track) { if (!_detached) inner.OnProducerAdded(track); }
    public void OnProducerRemoved(TapTrack track) { if (!_detached) inner.OnProducerRemoved(track); }
    public void OnRtp(TapTrack track, uint ssrc, ReadOnlySpan<byte> packet, long arrivalTicks) { if (!_detached) inner.OnRtp(track, ssrc, packet, arrivalTicks); }
    public void OnSenderReport(TapTrack track, uint ssrc, ulong ntpTimestamp, uint rtpTimestamp, long arrivalTicks)
    {
        if (!_detached) inner.OnSenderReport(track, ssrc, ntpTimestamp, rtpTimestamp, arrivalTicks);
    }

    public void Dispose()
    {
        if (_detached) return;
        _detached = true;
        detach(this);
    }
}
