using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using CoStream.Sfu;
using CoStream.Sfu.Routing;

namespace CoStream.Mixer.Ingest;

/// <summary>
/// The mixer's input side for one room: attaches to the in-process SFU with
/// <see cref="SfuServer.AttachRoomTap"/>, copies each inbound RTP packet (on the SFU loop thread: one
/// pooled copy and an enqueue) to its own thread, and there runs a <see cref="TrackIngest"/> per
/// published track. Every participant's frames come out of <see cref="VideoFrames"/> and
/// <see cref="AudioFrames"/> with room-media-clock timestamps; the reader disposes each frame.
/// Keyframes are requested from the publisher (<see cref="SfuServer.RequestKeyFrame"/>) when a video
/// track starts (its first packets are not a keyframe) or breaks (loss, refused frame), until one comes.
/// </summary>
public sealed class RoomIngest : IDisposable
{
    private enum EventKind : byte { Added, Removed, Rtp, SenderReport }

    private readonly record struct TapEvent(EventKind Kind, TapTrack Track, uint Ssrc, byte[]? Buffer, int Length, long Ticks, ulong Ntp, uint Rtp);

    /// <summary>
    /// The arrays the tap copies packets into. Not <see cref="ArrayPool{T}.Shared"/>: that pool keeps returned arrays
    /// per thread and per core, and arrays rented on the SFU loop but returned by the ingest thread in bursts (a
    /// frame's worth at once) often missed the loop's next rents, so the loop allocated (3.7 bytes per forwarded
    /// packet measured); one pool with shared buckets, filled once, does not (see decisions.md).
    /// </summary>
    internal static readonly ArrayPool<byte> PacketPool = ArrayPool<byte>.Create(maxArrayLength: 2048, maxArraysPerBucket: 4096);

    private readonly SfuServer _sfu;
    private readonly RoomIngestOptions _options;
    private readonly ConcurrentQueue<TapEvent> _queue = new();
    // No spinning before blocking: on a shared 2-core box SemaphoreSlim's spin (sched_yield) per wake cost more than the work.
    private readonly ManualResetEventSlim _signal = new(false, spinCount: 0);
    private readonly Dictionary<string, TrackIngest> _tracks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ClockOffsetEstimator> _participantClocks = new(StringComparer.Ordinal);
    private readonly Channel<IngestedVideoFrame> _video;
    private readonly Channel<IngestedAudioFrame> _audio;
    private readonly Thread _thread;
    private readonly IDisposable _tap;
    private readonly long _clockEpochTicks;
    private int _queued;
    private int _sleeping;
    private volatile bool _stopping;

    private RoomIngest(SfuServer sfu, string room, RoomIngestOptions options)
    {
        _sfu = sfu;
        _options = options;
        Room = room;
        _clockEpochTicks = sfu.Clocks.Get(room).EpochStopwatchTicks;
        var channelOptions = new BoundedChannelOptions(options.OutputCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true };
        _video = Channel.CreateBounded<IngestedVideoFrame>(channelOptions, f => { f.Dispose(); Counters.Drop(IngestDropReason.OutputFull); });
        _audio = Channel.CreateBounded<IngestedAudioFrame>(channelOptions, f => { f.Dispose(); Counters.Drop(IngestDropReason.OutputFull); });
        _thread = new Thread(Run) { IsBackground = true, Name = "ingest-" + room };
        _thread.Start();
        _tap = sfu.AttachRoomTap(room, new Tap(this));
    }

    /// <summary>Starts ingesting <paramref name="room"/> of <paramref name="sfu"/> (its current and future publishers).</summary>
    public static RoomIngest Attach(SfuServer sfu, string room, RoomIngestOptions? options = null) =>
        new(sfu, room, options ?? new RoomIngestOptions());

    public string Room { get; }
    public IngestCounters Counters { get; } = new();

    /// <summary>Every participant's video frames, in order per track. Dispose each frame read.</summary>
    public ChannelReader<IngestedVideoFrame> VideoFrames => _video.Reader;

    /// <summary>Every participant's Opus packets, in order per track. Dispose each frame read.</summary>
    public ChannelReader<IngestedAudioFrame> AudioFrames => _audio.Reader;

    /// <summary>Called on the ingest thread after a frame was written to <see cref="VideoFrames"/> or <see cref="AudioFrames"/> (a reader's wake-up).</summary>
    public Action? FrameReady { get; set; }

    /// <summary>Raised on the ingest thread when a track appears (true) or goes (false).</summary>
    public event Action<TapTrack, bool>? TrackChanged;

    /// <summary>The SFU loop side: copy, enqueue, wake the ingest thread. Never blocks.</summary>
    private sealed class Tap(RoomIngest owner) : IRoomTap
    {
        public void OnProducerAdded(TapTrack track) => owner.Enqueue(new TapEvent(EventKind.Added, track, 0, null, 0, 0, 0, 0));
        public void OnProducerRemoved(TapTrack track) => owner.Enqueue(new TapEvent(EventKind.Removed, track, 0, null, 0, 0, 0, 0));

        public void OnRtp(TapTrack track, uint ssrc, ReadOnlySpan<byte> packet, long arrivalTicks)
        {
            if (owner._stopping) return;
            if (Interlocked.Increment(ref owner._queued) > owner._options.MaxQueuedPackets)
            {
                Interlocked.Decrement(ref owner._queued);
                owner.Counters.Drop(IngestDropReason.QueueFull);
                return;
            }
            var copy = PacketPool.Rent(packet.Length);
            packet.CopyTo(copy);
            owner.Enqueue(new TapEvent(EventKind.Rtp, track, ssrc, copy, packet.Length, arrivalTicks, 0, 0), counted: true);
        }

        public void OnSenderReport(TapTrack track, uint ssrc, ulong ntpTimestamp, uint rtpTimestamp, long arrivalTicks) =>
            owner.Enqueue(new TapEvent(EventKind.SenderReport, track, ssrc, null, 0, arrivalTicks, ntpTimestamp, rtpTimestamp));
    }

    private void Enqueue(in TapEvent e, bool counted = false)
    {
        if (!counted) Interlocked.Increment(ref _queued);
        _queue.Enqueue(e);
        if (Volatile.Read(ref _sleeping) != 0 && Interlocked.Exchange(ref _sleeping, 0) != 0) _signal.Set();
    }

    private void Run()
    {
        while (!_stopping)
        {
            var any = false;
            try
            {
                while (_queue.TryDequeue(out var e))
                {
                    Interlocked.Decrement(ref _queued);
                    any = true;
                    Handle(e);
                }
                var now = Stopwatch.GetTimestamp();
                foreach (var track in _tracks.Values) track.Poll(now);
            }
            catch (Exception)
            {
                // A bug or a throwing TrackChanged handler must not stop the room's ingest: count it and go on.
                Counters.OnError();
            }
            if (any) continue;
            Volatile.Write(ref _sleeping, 1);
            if (_queue.IsEmpty) _signal.Wait(5);
            _signal.Reset(); // a Set after the wait timed out is not lost: the queue is read again next
            Volatile.Write(ref _sleeping, 0);
        }
    }

    private void Handle(in TapEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.Added:
                if (_tracks.ContainsKey(e.Track.ProducerId)) return;
                var track = new TrackIngest(e.Track, _options, Counters, ParticipantClock(e.Track.Participant), _clockEpochTicks,
                    RequestKeyFrame, f => { _video.Writer.TryWrite(f); FrameReady?.Invoke(); }, f => { _audio.Writer.TryWrite(f); FrameReady?.Invoke(); }, PacketPool);
                _tracks[e.Track.ProducerId] = track;
                if (!track.IsSupported) Counters.Drop(IngestDropReason.UnsupportedCodec);
                TrackChanged?.Invoke(e.Track, true);
                break;
            case EventKind.Removed:
                if (_tracks.Remove(e.Track.ProducerId, out var removed))
                {
                    removed.Dispose();
                    TrackChanged?.Invoke(e.Track, false);
                }
                break;
            case EventKind.Rtp:
                if (_tracks.TryGetValue(e.Track.ProducerId, out var t)) t.OnPacket(e.Ssrc, e.Buffer!, e.Length, e.Ticks);
                else PacketPool.Return(e.Buffer!);
                break;
            case EventKind.SenderReport:
                if (_tracks.TryGetValue(e.Track.ProducerId, out var s)) s.OnSenderReport(e.Ssrc, e.Ntp, e.Rtp);
                break;
        }
    }

    private ClockOffsetEstimator ParticipantClock(string participant)
    {
        if (!_participantClocks.TryGetValue(participant, out var clock))
            _participantClocks[participant] = clock = new ClockOffsetEstimator(_options.ClockOffsetLeakMsPerSecond);
        return clock;
    }

    private void RequestKeyFrame(TrackIngest track) => _ = _sfu.RequestKeyFrame(Room, track.Track.Participant);

    /// <summary>Detaches from the SFU, stops the thread, returns every buffer and completes both channels.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _tap.Dispose();
        _stopping = true;
        _signal.Set();
        _thread.Join(2000);
        while (_queue.TryDequeue(out var e))
            if (e.Buffer is { } b) PacketPool.Return(b);
        foreach (var track in _tracks.Values) track.Dispose();
        _tracks.Clear();
        _video.Writer.TryComplete();
        _audio.Writer.TryComplete();
    }
}
