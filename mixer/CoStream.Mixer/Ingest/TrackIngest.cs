using System.Diagnostics;
using CoStream.Mixer.Codecs;
using CoStream.Sfu.Protocols.Sdp;
using CoStream.Sfu.Routing;

namespace CoStream.Mixer.Ingest;

/// <summary>
/// One published track inside a <see cref="RoomIngest"/>: <see cref="JitterBuffer"/> → depacketizer
/// (<see cref="H264Depacketizer"/>, <see cref="Vp8Depacketizer"/> or <see cref="OpusDepacketizer"/>) →
/// <see cref="TrackClock"/> → an <see cref="IngestedVideoFrame"/> or <see cref="IngestedAudioFrame"/>.
/// Video starts, and restarts after any loss or refused frame, on a keyframe: until one comes, frames
/// are dropped and a keyframe is requested (rate-limited). A new SSRC restarts the track. Ingest thread only.
/// </summary>
internal sealed class TrackIngest : IDisposable
{
    private readonly RoomIngestOptions _options;
    private readonly IngestCounters _counters;
    private readonly ClockOffsetEstimator _participantClock;
    private readonly long _clockEpochTicks;
    private readonly Action<TrackIngest> _requestKeyFrame;
    private readonly Action<IngestedVideoFrame> _video;
    private readonly Action<IngestedAudioFrame> _audio;
    private readonly FrameBuffer? _frame;
    private readonly long _keyFrameIntervalTicks;
    private readonly VideoCodec _videoCodec;
    private readonly System.Buffers.ArrayPool<byte> _packetPool;
    private JitterBuffer _jitter;
    private TrackClock _clock;
    private bool _hasSsrc;
    private bool _waitingForKeyFrame = true;
    private long _lastKeyFrameRequestTicks = long.MinValue;
    private int _width, _height; // last known picture size: delta frames carry it too

    public TrackIngest(TapTrack track, RoomIngestOptions options, IngestCounters counters, ClockOffsetEstimator participantClock,
        long clockEpochTicks, Action<TrackIngest> requestKeyFrame, Action<IngestedVideoFrame> video, Action<IngestedAudioFrame> audio,
        System.Buffers.ArrayPool<byte>? packetPool = null)
    {
        _packetPool = packetPool ?? System.Buffers.ArrayPool<byte>.Shared;
        Track = track;
        _options = options;
        _counters = counters;
        _participantClock = participantClock;
        _clockEpochTicks = clockEpochTicks;
        _requestKeyFrame = requestKeyFrame;
        _video = video;
        _audio = audio;
        _keyFrameIntervalTicks = options.KeyFrameRequestIntervalMs * Stopwatch.Frequency / 1000;
        IsVideo = track.Kind == MediaKind.Video;
        var name = track.CodecName.ToUpperInvariant();
        IsSupported = IsVideo ? name is "H264" or "VP8" : name == "OPUS";
        _videoCodec = name == "VP8" ? VideoCodec.Vp8 : VideoCodec.H264;
        if (IsVideo) _frame = new FrameBuffer(options.MaxFrameBytes);
        _jitter = NewJitterBuffer();
        _clock = NewClock();
    }

    public TapTrack Track { get; }
    public bool IsVideo { get; }
    public bool IsSupported { get; }
    public uint Ssrc { get; private set; }

    /// <summary>A copied RTP packet (ownership of the array, from the packet pool, passes here).</summary>
    public void OnPacket(uint ssrc, byte[] pooledPacket, int length, long arrivalTicks)
    {
        _counters.OnPacket();
        if (!IsSupported)
        {
            _packetPool.Return(pooledPacket);
            _counters.Drop(IngestDropReason.UnsupportedCodec);
            return;
        }
        if (!_hasSsrc || ssrc != Ssrc)
        {
            if (_hasSsrc) Restart();
            _hasSsrc = true;
            Ssrc = ssrc;
        }
        _jitter.Insert(pooledPacket, length, arrivalTicks, Track.PayloadType);
        Poll(arrivalTicks);
    }

    public void OnSenderReport(uint ssrc, ulong ntp, uint rtp)
    {
        if (!_hasSsrc || ssrc != Ssrc) return;
        _counters.OnSenderReport();
        _clock.OnSenderReport(ntp, rtp);
    }

    /// <summary>Emits every frame that is ready at <paramref name="nowTicks"/>.</summary>
    public void Poll(long nowTicks)
    {
        while (_jitter.TryTakeFrame(nowTicks, out var frame))
        {
            if (IsVideo) OnVideoFrame(frame, nowTicks);
            else OnAudioFrame(frame);
        }
        if (IsVideo && _waitingForKeyFrame) MaybeRequestKeyFrame(nowTicks);
    }

    /// <summary>Asks for a keyframe now unless one was asked for within the interval (or nothing has arrived yet).</summary>
    public void MaybeRequestKeyFrame(long nowTicks)
    {
        // Before its first packet the SFU has no SSRC to address a request to.
        if (!IsVideo || !_hasSsrc || (_lastKeyFrameRequestTicks != long.MinValue && nowTicks - _lastKeyFrameRequestTicks < _keyFrameIntervalTicks)) return;
        _lastKeyFrameRequestTicks = nowTicks;
        _counters.OnKeyFrameRequest();
        _requestKeyFrame(this);
    }

    private void OnVideoFrame(JitterFrame frame, long nowTicks)
    {
        if (frame.AfterLoss) _waitingForKeyFrame = true;
        var first = frame.Packets[0].Payload;
        if (_waitingForKeyFrame && !(_videoCodec == VideoCodec.H264 ? H264Depacketizer.StartsKeyFrame(frame.Packets) : Vp8Depacketizer.StartsKeyFrame(first)))
        {
            _counters.Drop(IngestDropReason.WaitingForKeyFrame);
            MaybeRequestKeyFrame(nowTicks);
            return;
        }
        bool keyFrame;
        int width = 0, height = 0;
        var reason = _videoCodec == VideoCodec.H264
            ? H264Depacketizer.Depacketize(frame.Packets, _frame!, out keyFrame, out width, out height)
            : Vp8Depacketizer.Depacketize(frame.Packets, _frame!, out keyFrame, out width, out height);
        if (reason == IngestDropReason.None && _waitingForKeyFrame && !keyFrame) reason = IngestDropReason.WaitingForKeyFrame;
        if (reason != IngestDropReason.None)
        {
            _counters.Drop(reason);
            _waitingForKeyFrame = true;
            MaybeRequestKeyFrame(nowTicks);
            return;
        }
        _waitingForKeyFrame = false;
        if (width > 0 && height > 0) (_width, _height) = (width, height);
        var mediaMs = _clock.ToMediaMs(frame.Timestamp, ArrivalMs(frame.FirstArrivalTicks));
        var buffer = _frame!.Detach(out var length);
        _counters.OnVideoFrame();
        _video(new IngestedVideoFrame(Track.Participant, Track.ProducerId, _videoCodec, buffer, length, keyFrame, mediaMs, frame.Timestamp, _width, _height));
    }

    private void OnAudioFrame(JitterFrame frame)
    {
        var packet = frame.Packets[0];
        var reason = OpusDepacketizer.Check(packet.Payload);
        if (reason != IngestDropReason.None)
        {
            _counters.Drop(reason);
            return;
        }
        var mediaMs = _clock.ToMediaMs(frame.Timestamp, ArrivalMs(frame.FirstArrivalTicks));
        // Hand over a copy: the jitter buffer returns the packet's own array on its next take.
        var copy = System.Buffers.ArrayPool<byte>.Shared.Rent(packet.PayloadLength);
        packet.Payload.CopyTo(copy);
        _counters.OnAudioFrame();
        _audio(new IngestedAudioFrame(Track.Participant, Track.ProducerId, copy, 0, packet.PayloadLength, mediaMs, frame.Timestamp));
    }

    private double ArrivalMs(long ticks) => (ticks - _clockEpochTicks) * 1000.0 / Stopwatch.Frequency;

    private void Restart()
    {
        _jitter.Dispose();
        _jitter = NewJitterBuffer();
        _clock = NewClock();
        _waitingForKeyFrame = true;
        _lastKeyFrameRequestTicks = long.MinValue;
    }

    private JitterBuffer NewJitterBuffer() => new(new JitterBufferOptions
    {
        Capacity = IsVideo ? _options.VideoBufferPackets : _options.AudioBufferPackets,
        MaxWaitMs = IsVideo ? _options.VideoMaxWaitMs : _options.AudioMaxWaitMs,
        PacketIsFrame = !IsVideo,
    }, _counters, _packetPool);

    private TrackClock NewClock() => new(Math.Max(1, Track.ClockRate), _participantClock, _options.ClockOffsetLeakMsPerSecond);

    public void Dispose()
    {
        _jitter.Dispose();
        _frame?.Dispose();
    }
}
