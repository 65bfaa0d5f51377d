using System.Collections.Concurrent;
using System.Diagnostics;
using CoStream.Mixer.Audio;
using CoStream.Mixer.Codecs;
using CoStream.Mixer.Compose;
using CoStream.Mixer.Control;
using CoStream.Mixer.Flv;
using CoStream.Mixer.Ingest;
using CoStream.Mixer.Sei;
using CoStream.Sfu;
using CoStream.Sfu.Timing;

namespace CoStream.Mixer.Pipeline;

/// <summary>A commerce event to carry in-band: written at the first output frame whose media time reaches its stamp.</summary>
public sealed record MixerEvent(long Seq, string Kind, long MediaClockMs, string Json);

/// <summary>
/// One room's composite, end to end and in process: <see cref="RoomIngest"/> (the room's tracks from the SFU,
/// plus a PK opponent's room) → per-participant <see cref="VideoDecoder"/> / <see cref="OpusDecoder"/> →
/// <see cref="VideoCompositor"/> and <see cref="AudioMixer"/> → <see cref="VideoEncoder"/> (H.264/H.265) and
/// <see cref="AacEncoder"/> → every <see cref="IFlvSink"/> (HTTP-FLV broadcast, RTMP publishers).
///
/// The anchor's frames pace the output: a decoded anchor frame is composed and encoded at once, stamped with its
/// own media time (its capture instant on the room media clock, from the ingest's sender-report mapping), so the
/// composite's video and the mixed audio (also on capture time) stay in sync, and mix latency is decode +
/// compose + encode. If the anchor's video stops, the clock paces the output instead. Room events posted with
/// <see cref="PostEvent"/> are written into the frame whose media time first reaches their stamp, as an SEI
/// (user data unregistered, JSON) inside the access unit and as an <c>onCoStreamEvent</c> script tag before it.
/// All media work runs on one thread per room; the public methods are thread-safe.
/// </summary>
public sealed class RoomMixer : IAsyncDisposable
{
    public const string EventTagName = "onCoStreamEvent";

    private readonly SfuServer _sfu;
    private readonly RoomMediaClock _clock;
    private readonly IFlvSink[] _sinks;
    private readonly ConcurrentDictionary<string, RoomIngest> _ingests = new(StringComparer.Ordinal);
    /// <summary>The ingests as the mixer thread walks them (a snapshot replaced on link/unlink: no enumerator per turn).</summary>
    private volatile KeyValuePair<string, RoomIngest>[] _ingestList = [];
    private readonly object _ingestLock = new();
    private readonly ConcurrentQueue<MixerEvent> _incomingEvents = new();
    private readonly List<MixerEvent> _pendingEvents = [];
    private readonly Dictionary<string, Source> _sources = new(StringComparer.Ordinal);
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly long[] _latencyUs;
    private readonly AudioMixer _audioMixer = new();
    private readonly AacEncoder _aac;
    private readonly float[] _left, _right;
    private readonly byte[] _aacFrame = new byte[AacEncoder.MaxFrameBytes];
    private readonly short[] _pcm = new short[OpusDecoder.MaxSamplesPerChannel * 2];
    private readonly EncodedFrames _encoded = new();
    private readonly ProcessCpuMeter _cpuMeter = new();
    private readonly CpuController? _cpu;
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
    private readonly Action _wakeUp;
    private const int WakeIntervalMs = 5;

    private DecodedPictureExchange? _exchange;
    private volatile LayoutDescription _layout;
    private LayoutDescription? _appliedLayout;
    private VideoCompositor _compositor;
    private VideoEncoder _encoder;
    private int _width, _height, _fps;
    private string _preset;
    private long _originMs;
    private long _lastVideoMediaMs = long.MinValue;
    private long _lastWrittenMediaMs = long.MinValue;
    private long _lastOutputTicks;
    private long _encoderPts;
    private bool _forceKeyframe = true;
    private bool _passthrough;
    private bool _passthroughWanted;
    private long _nextCpuCheckTicks;
    private int _latencyCount;
    private volatile string? _failure;

    private RoomMixer(SfuServer sfu, string room, RoomMixerOptions options, IReadOnlyList<IFlvSink> sinks,
        VideoCompositor compositor, VideoEncoder encoder, AacEncoder aac)
    {
        _sfu = sfu;
        _wakeUp = () => _wake.Set();
        Room = room;
        Options = options;
        _sinks = [.. sinks];
        _clock = sfu.Clocks.Get(room);
        _compositor = compositor;
        _encoder = encoder;
        _aac = aac;
        _width = options.Width;
        _height = options.Height;
        _fps = options.Fps;
        _preset = options.Preset;
        _left = new float[aac.FrameSize];
        _right = new float[aac.FrameSize];
        _latencyUs = new long[Math.Max(16, options.LatencySamples)];
        _layout = new LayoutDescription(LayoutKind.Solo, []);
        if (options.AdaptiveCpu)
            _cpu = new CpuController(new CpuControllerOptions { Target = options.CpuTarget, Band = Math.Min(0.10, options.CpuTarget / 2) });
        _ingests[room] = AttachIngest(room);
        _ingestList = [.. _ingests];
        _thread = new Thread(Run) { Name = ThreadName(room), IsBackground = true };
    }

    /// <summary>The name of a room's mixer thread; the encoder's native threads (libx265's frame encoder) carry it too.</summary>
    public static string ThreadName(string room) => "mixer-" + room;

    /// <summary>
    /// Opens the encoder on a short-lived thread named <paramref name="threadName"/>: a native thread takes its creator's
    /// name, so the threads libx265 starts in avcodec_open2 are named like the mixer's (per-room CPU in top -H, in the
    /// benchmark) instead of like whichever pool thread started the room.
    /// </summary>
    private static VideoEncoder? OpenEncoderAs(string threadName, VideoEncoderOptions options, out string? reason)
    {
        VideoEncoder? encoder = null;
        string? why = null;
        var opener = new Thread(() => encoder = VideoEncoder.TryCreate(options, out why)) { Name = threadName, IsBackground = true };
        opener.Start();
        opener.Join();
        reason = why;
        return encoder;
    }

    /// <summary>
    /// Starts mixing <paramref name="room"/> into <paramref name="sinks"/>; null with a reason if the codecs cannot open.
    /// With an <paramref name="exchange"/> shared by the process's mixers, this mixer publishes the pictures it decodes
    /// of its own room's participants and takes a linked room's (a PK opponent's) from that room's mixer instead of
    /// decoding them again.
    /// </summary>
    public static RoomMixer? TryStart(SfuServer sfu, string room, RoomMixerOptions options, IReadOnlyList<IFlvSink> sinks, out string? reason,
        DecodedPictureExchange? exchange = null)
    {
        reason = options.Validate();
        if (reason != null) return null;
        var encoder = OpenEncoderAs(ThreadName(room), EncoderOptions(options, options.Width, options.Height, options.Fps, options.Preset), out reason);
        if (encoder == null) return null;
        var aac = AacEncoder.TryCreate(options.AudioBitrateBitsPerSecond, out reason);
        if (aac == null) { encoder.Dispose(); return null; }
        var mixer = new RoomMixer(sfu, room, options, sinks, new VideoCompositor(options.Compositor), encoder, aac);
        mixer._exchange = exchange;
        mixer._originMs = mixer._clock.NowMs - options.ClockPacedDelayMs;
        mixer.WriteMetadata();
        mixer._thread.Start();
        return mixer;
    }

    public string Room { get; }
    public RoomMixerOptions Options { get; }

    /// <summary>The room media time of output timestamp 0 (an FLV tag's timestamp is media time minus this).</summary>
    public long OriginMediaMs => _originMs;

    /// <summary>Why the mixer stopped, if it failed.</summary>
    public string? Failure => _failure;

    public long VideoFramesOut { get; private set; }
    public long PassthroughFramesOut { get; private set; }
    public long ClockPacedFrames { get; private set; }
    public long AnchorFramesSkipped { get; private set; }
    public long AudioFramesOut { get; private set; }
    public long EventsWritten { get; private set; }
    /// <summary>Events that reached the mixer after the frame their stamp names had been written (written on the next one).</summary>
    public long EventsLate { get; private set; }
    public long DecodeRefusals { get; private set; }
    public string? LastDecodeRefusal { get; private set; }
    public long FramesIgnored { get; private set; }
    /// <summary>Video frames of a linked room's participant not decoded here: that room's mixer decoded them and shared the picture.</summary>
    public long FramesDecodedElsewhere { get; private set; }
    /// <summary>Pictures taken from another mixer through the <see cref="DecodedPictureExchange"/>.</summary>
    public long SharedPicturesUsed { get; private set; }
    /// <summary>Video frames not fed to a decoder because it waits for a keyframe (start, after a refusal); one is requested meanwhile.</summary>
    public long FramesAwaitingKeyFrame { get; private set; }
    public long ModeSwitches { get; private set; }
    /// <summary>Keyframes made because a sink asked (an RTMP connection made or re-made).</summary>
    public long KeyframesForSinks { get; private set; }
    public CpuDecision? CpuDecision => _cpu?.Current;

    /// <summary>The layout to compose. Participant ids are <see cref="SourceId"/>(room, participant).</summary>
    public void SetLayout(LayoutDescription layout) => _layout = layout ?? throw new ArgumentNullException(nameof(layout));

    public LayoutDescription Layout => _layout;

    /// <summary>The id a participant has in layouts: <c>room/participant</c> (PK brings in another room's anchor).</summary>
    public static string SourceId(string room, string participant) => room + "/" + participant;

    /// <summary>Also ingests another room (a PK opponent's); its participants can then appear in layouts.</summary>
    public void LinkRoom(string otherRoom)
    {
        if (otherRoom == Room) return;
        lock (_ingestLock)
        {
            // Not GetOrAdd: its factory may run twice and attach a second ingest that nobody disposes.
            if (_ingests.ContainsKey(otherRoom)) return;
            _ingests[otherRoom] = AttachIngest(otherRoom);
            _ingestList = [.. _ingests];
        }
    }

    public void UnlinkRoom(string otherRoom)
    {
        if (otherRoom == Room) return;
        RoomIngest? ingest;
        lock (_ingestLock)
        {
            if (!_ingests.TryRemove(otherRoom, out ingest)) return;
            _ingestList = [.. _ingests];
        }
        ingest.Dispose();
    }

    /// <summary>Queues an event for the frame whose media time reaches <see cref="MixerEvent.MediaClockMs"/> (room clock).</summary>
    public void PostEvent(MixerEvent evt) => _incomingEvents.Enqueue(evt);

    /// <summary>
    /// Holds back output frames from media time <paramref name="stampMs"/> on while an event stamped then is being made
    /// durable (a gift or coupon commits before it is announced): the frames wait, at most
    /// <see cref="RoomMixerOptions.MaxEventHoldMs"/>, so the event still lands on the frame its stamp names. Release with
    /// <see cref="OutputHold.ReleaseAfter"/> (the event's sequence number, once appended) or <see cref="OutputHold.Cancel"/>.
    /// </summary>
    public OutputHold Hold(long stampMs)
    {
        var hold = new OutputHold(stampMs, Stopwatch.GetTimestamp() + Options.MaxEventHoldMs * Stopwatch.Frequency / 1000);
        lock (_holds) _holds.Add(hold);
        return hold;
    }

    /// <summary>The room event sequence the mixer's event feed has delivered up to (releases holds).</summary>
    public void NoteSeq(long seq)
    {
        long current;
        while ((current = Interlocked.Read(ref _seenSeq)) < seq && Interlocked.CompareExchange(ref _seenSeq, seq, current) != current) { }
    }

    public long FramesHeld { get; private set; }
    public long HoldsExpired { get; private set; }

    private readonly List<OutputHold> _holds = [];
    private long _seenSeq;
    private readonly Queue<HeldFrame> _held = new();

    private readonly record struct HeldFrame(byte[] Buffer, int Length, long MediaMs, bool Keyframe, long StartTicks, bool RecordLatency);

    /// <summary>The earliest media time an active hold blocks, or long.MaxValue.</summary>
    private long BlockingStamp()
    {
        lock (_holds)
        {
            if (_holds.Count == 0) return long.MaxValue;
            var now = Stopwatch.GetTimestamp();
            var seen = Interlocked.Read(ref _seenSeq);
            var min = long.MaxValue;
            for (var i = _holds.Count - 1; i >= 0; i--)
            {
                var h = _holds[i];
                if (h.IsCancelled || seen >= h.ReleaseSeq) { _holds.RemoveAt(i); continue; }
                if (now > h.ExpiresTicks) { _holds.RemoveAt(i); HoldsExpired++; continue; }
                min = Math.Min(min, h.StampMs);
            }
            return min;
        }
    }

    private void FlushHeld()
    {
        if (_held.Count == 0) return;
        var blocking = BlockingStamp();
        while (_held.TryPeek(out var f) && f.MediaMs < blocking)
        {
            _held.Dequeue();
            WriteVideoNow(f.Buffer.AsSpan(0, f.Length), f.MediaMs, f.Keyframe, f.StartTicks, f.RecordLatency);
            System.Buffers.ArrayPool<byte>.Shared.Return(f.Buffer);
        }
    }

    /// <summary>Mix latency samples (µs, input frame dequeued complete → its FLV tags handed to the sinks), most recent last.</summary>
    public long[] LatencySnapshot()
    {
        lock (_latencyUs)
        {
            var n = Math.Min(_latencyCount, _latencyUs.Length);
            var result = new long[n];
            for (var i = 0; i < n; i++) result[i] = _latencyUs[(_latencyCount - n + i) % _latencyUs.Length];
            return result;
        }
    }

    /// <summary>The ingest counters of every room this mixer has ingested (kept after the mixer stops).</summary>
    public IReadOnlyList<IngestCounters> IngestCounters { get { lock (_allCounters) return [.. _allCounters]; } }

    private readonly List<IngestCounters> _allCounters = [];

    private RoomIngest AttachIngest(string room)
    {
        var ingest = RoomIngest.Attach(_sfu, room);
        ingest.FrameReady = _wakeUp;
        lock (_allCounters) _allCounters.Add(ingest.Counters);
        return ingest;
    }

    private volatile string? _threadStatPath;

    /// <summary>The operating system's id of the mixer's thread (Linux), once it runs; null elsewhere.</summary>
    public int? OsThreadId => _threadStatPath is { } path && int.TryParse(Path.GetFileName(Path.GetDirectoryName(path)), out var tid) ? tid : null;

    /// <summary>CPU time (user + system) the mixer's own thread has used, from /proc (Linux); null elsewhere.</summary>
    public TimeSpan? ThreadCpuTime
    {
        get
        {
            if (_threadStatPath is not { } path) return null;
            try
            {
                var stat = File.ReadAllText(path);
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command name, in clock ticks (USER_HZ = 100).
                return TimeSpan.FromSeconds((long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0);
            }
            catch (IOException) { return null; }
        }
    }

    private void Run()
    {
        try
        {
            try
            {
                var self = new FileInfo("/proc/thread-self").LinkTarget;
                if (self != null) _threadStatPath = (self.StartsWith('/') ? self : "/proc/" + self) + "/stat";
            }
            catch (IOException) { }
            while (!_stop.IsCancellationRequested)
            {
                ApplyLayout();
                foreach (var (room, ingest) in _ingestList)
                {
                    while (ingest.VideoFrames.TryRead(out var frame)) using (frame) OnVideo(room, frame, Stopwatch.GetTimestamp());
                    while (ingest.AudioFrames.TryRead(out var audio)) using (audio) OnAudio(room, audio);
                }
                var now = _clock.NowMs;
                foreach (var sink in _sinks)
                {
                    if (sink is not IKeyframeRequester requester || !requester.TakeKeyframeRequest()) continue;
                    KeyframesForSinks++;
                    if (_passthrough) RequestMasterKeyFrame(); else _forceKeyframe = true;
                }
                FlushHeld();
                MixAudio(now);
                var interval = Stopwatch.Frequency / _fps;
                if (Stopwatch.GetTimestamp() - _lastOutputTicks > interval * 2)
                {
                    // The anchor's video is not pacing us (none yet, stalled, audio-only): the clock does.
                    if (_passthrough)
                    {
                        // The passed-through anchor stalled: back to the composite (its placeholder) until its next keyframe.
                        _passthrough = false;
                        _forceKeyframe = true;
                        ModeSwitches++;
                        RequestMasterKeyFrame();
                    }
                    var mediaMs = Math.Max(now - Options.ClockPacedDelayMs, _lastVideoMediaMs + 1);
                    ClockPacedFrames++;
                    ComposeAndWrite(mediaMs, Stopwatch.GetTimestamp(), recordLatency: false);
                }
                AdaptCpu();
                // Sleep until an ingest has a frame (FrameReady) or at most WakeIntervalMs (audio mixing, clock pacing);
                // a Set after the wait is not lost: the channels are read again first.
                _wake.Wait(WakeIntervalMs);
                _wake.Reset();
            }
        }
        catch (Exception e)
        {
            _failure = e.ToString();
        }
    }

    private void ApplyLayout()
    {
        var layout = _layout;
        if (ReferenceEquals(layout, _appliedLayout)) return;
        var inLayout = layout.Participants.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in _sources.Keys.Where(id => !inLayout.Contains(id)).ToList())
        {
            _sources[id].Dispose();
            _sources.Remove(id);
            _audioMixer.RemoveSource(id);
            _compositor.Remove(id);
            _exchange?.Withdraw(this, id);
        }
        foreach (var p in layout.Participants)
        {
            if (_sources.ContainsKey(p.Id)) continue;
            _sources[p.Id] = new Source(p.Id);
            _audioMixer.SetSource(p.Id);
            // A new tile needs a keyframe to start from.
            var slash = p.Id.IndexOf('/');
            if (slash > 0) _ = _sfu.RequestKeyFrame(p.Id[..slash], p.Id[(slash + 1)..]);
        }
        _compositor.SetLayout(layout);
        var solo = layout.Kind == LayoutKind.Solo && layout.Participants.Count == 1 && layout.Participants[0].HasVideo;
        _passthroughWanted = Options.Passthrough && !Options.Hevc && solo;
        if (!_passthroughWanted && _passthrough)
        {
            _passthrough = false;
            _forceKeyframe = true;
            ModeSwitches++;
        }
        _appliedLayout = layout;
        if (_passthroughWanted && !_passthrough) RequestMasterKeyFrame();
    }

    private void RequestMasterKeyFrame()
    {
        if (Master is { } id && id.IndexOf('/') is var slash and > 0) _ = _sfu.RequestKeyFrame(id[..slash], id[(slash + 1)..]);
    }

    private string? Master => _appliedLayout?.Participants.FirstOrDefault(p => p.Role == Compose.ParticipantRole.Anchor)?.Id
        ?? _appliedLayout?.Participants.FirstOrDefault()?.Id;

    private void OnVideo(string room, IngestedVideoFrame frame, long dequeuedTicks)
    {
        var id = SourceId(room, frame.Participant);
        if (!_sources.TryGetValue(id, out var source)) { FramesIgnored++; return; }
        var mediaMs = ToOwnClock(room, frame.MediaTimeMs);
        var isMaster = id == Master;
        if (_exchange != null && !isMaster && room != Room && _exchange.IsPublishedFor(id, this))
        {
            // Its own room's mixer decodes this stream and shares the pictures (PullShared). Should it stop, this
            // mixer's decoder starts again from a keyframe.
            source.AwaitingKeyFrame = true;
            FramesDecodedElsewhere++;
            return;
        }

        // Decode every frame of a tile (the anchor's too while passed through, so a switch back to the composite has
        // its picture at once).
        var decoded = Decode(source, frame, id);
        // Passthrough only when the anchor's picture already is the output's size, so viewers never see the size change.
        if (isMaster && _passthroughWanted && frame.Codec == VideoCodec.H264
            && (_passthrough || (source.Width == _width && source.Height == _height)))
        {
            if (!_passthrough && frame.IsKeyFrame)
            {
                _passthrough = true;
                ModeSwitches++;
            }
            if (_passthrough)
            {
                if (mediaMs <= _lastVideoMediaMs) mediaMs = _lastVideoMediaMs + 1;
                WriteVideo(frame.Data.Span, mediaMs, frame.IsKeyFrame, dequeuedTicks, recordLatency: true);
                PassthroughFramesOut++;
                return;
            }
            // Waiting for the anchor's next keyframe to switch: keep composing meanwhile.
        }
        if (!decoded || !isMaster) return;
        var minStep = 1000 / _fps - 2;
        if (_lastVideoMediaMs != long.MinValue && mediaMs - _lastVideoMediaMs < minStep)
        {
            AnchorFramesSkipped++;
            return;
        }
        ComposeAndWrite(Math.Max(mediaMs, _lastVideoMediaMs + 1), dequeuedTicks, recordLatency: true);
    }

    private bool Decode(Source source, IngestedVideoFrame frame, string id)
    {
        if (source.Decoder == null || source.Decoder.Codec != frame.Codec)
        {
            source.Decoder?.Dispose();
            // Pictures are read in place (DecodeInPlace); two recycled pictures serve only a source whose pixel format must
            // be converted to 4:2:0 first (the compositor keeps the latest until the next one: double buffering).
            source.Decoder = VideoDecoder.TryCreate(frame.Codec, out _, recycledPictures: 2);
            source.AwaitingKeyFrame = true;
            if (source.Decoder == null) { DecodeRefusals++; return false; }
        }
        // A decoder starts at a keyframe (with its parameter sets, unless it has decoded before): frames before it, or
        // after a refused one, cannot decode, so they are not fed.
        if (source.AwaitingKeyFrame)
        {
            if (!frame.IsKeyFrame || (frame.Codec != VideoCodec.Vp8 && source.Decoder.FramesOut == 0
                && !AnnexB.ContainsSps(frame.Data.Span, frame.Codec == VideoCodec.Hevc)))
            {
                FramesAwaitingKeyFrame++;
                RequestKeyFrame(source, Stopwatch.GetTimestamp());
                return false;
            }
            source.AwaitingKeyFrame = false;
        }
        var result = source.Decoder.DecodeInPlace(frame.Data.Span, frame.MediaTimeMs, out var picture);
        if (!result.Ok || picture == null)
        {
            picture?.Dispose();
            if (!result.Ok)
            {
                DecodeRefusals++;
                LastDecodeRefusal = source.Decoder.LastRefusal;
                if (Environment.GetEnvironmentVariable("COSTREAM_TRACE_REFUSALS") != null)
                    Console.Error.WriteLine($"refused {id} key={frame.IsKeyFrame} len={frame.Data.Length} in={source.Decoder.AccessUnitsIn} out={source.Decoder.FramesOut} t={_clock.NowMs}: {source.Decoder.LastRefusal}");
                source.AwaitingKeyFrame = true;
                RequestKeyFrame(source, Stopwatch.GetTimestamp());
            }
            return false;
        }
        (source.Width, source.Height) = (picture.Width, picture.Height);
        // Shared with the other mixers (a PK opponent shows this room's anchor too) before the compositor takes it.
        if (_exchange != null && IsOwn(id)) _exchange.Publish(this, id, picture);
        // The compositor reads the decoder's frame in place and gives it back when the next one comes.
        _compositor.Submit(id, picture, _clock.NowMs);
        return true;
    }

    /// <summary>Whether a source id (room/participant) is one of this room's own participants (no string built per call).</summary>
    private bool IsOwn(string sourceId) =>
        sourceId.Length > Room.Length && sourceId[Room.Length] == '/' && sourceId.StartsWith(Room, StringComparison.Ordinal);

    /// <summary>Hands the compositor the newest pictures other mixers decoded of this layout's linked-room participants.</summary>
    private void PullShared()
    {
        if (_exchange == null) return;
        foreach (var source in _sources.Values)
        {
            if (IsOwn(source.Id)) continue;
            if (_exchange.TakeNewer(source.Id, this, ref source.SharedSeq) is not { } picture) continue;
            (source.Width, source.Height) = (picture.Width, picture.Height);
            SharedPicturesUsed++;
            _compositor.Submit(source.Id, picture, _clock.NowMs);
        }
    }

    private void ComposeAndWrite(long mediaMs, long startTicks, bool recordLatency)
    {
        PullShared();
        var canvas = _compositor.Compose(_clock.NowMs);
        canvas.Pts = _encoderPts++;
        var result = _encoder.Encode(canvas, _forceKeyframe, _encoded);
        if (!result.Ok) return;
        _forceKeyframe = false;
        for (var i = 0; i < _encoded.Count; i++)
            WriteVideo(_encoded.Data(i), mediaMs, _encoded.IsKeyframe(i), startTicks, recordLatency);
    }

    /// <summary>The pending events this frame's media time reaches, removed from the pending list (a method of its own, so
    /// the lambdas' closure is allocated only when there are events, not for every frame).</summary>
    private List<MixerEvent> TakeDue(long mediaMs)
    {
        var due = _pendingEvents.Where(e => e.MediaClockMs <= mediaMs).ToList();
        if (due.Count > 0) _pendingEvents.RemoveAll(e => e.MediaClockMs <= mediaMs);
        return due;
    }

    private readonly SeiWriter _seiAvc = new(hevc: false);
    private readonly SeiWriter _seiHevc = new(hevc: true);

    private void WriteVideo(ReadOnlySpan<byte> accessUnit, long mediaMs, bool keyframe, long startTicks, bool recordLatency)
    {
        if (_held.Count > 0 || mediaMs >= BlockingStamp())
        {
            var copy = System.Buffers.ArrayPool<byte>.Shared.Rent(accessUnit.Length);
            accessUnit.CopyTo(copy);
            _held.Enqueue(new HeldFrame(copy, accessUnit.Length, mediaMs, keyframe, startTicks, recordLatency));
            FramesHeld++;
            _lastVideoMediaMs = mediaMs;
            _lastOutputTicks = Stopwatch.GetTimestamp();
            FlushHeld();
            return;
        }
        WriteVideoNow(accessUnit, mediaMs, keyframe, startTicks, recordLatency);
    }

    private void WriteVideoNow(ReadOnlySpan<byte> accessUnit, long mediaMs, bool keyframe, long startTicks, bool recordLatency)
    {
        var ts = Math.Max(0, mediaMs - _originMs);
        // Events whose stamp this frame reaches ride on it: script tags first, then the frame with the SEI inside.
        while (_incomingEvents.TryDequeue(out var incoming))
        {
            if (incoming.MediaClockMs <= _lastWrittenMediaMs) EventsLate++;
            _pendingEvents.Add(incoming);
        }
        if (_pendingEvents.Count > 0 && TakeDue(mediaMs) is { Count: > 0 } due)
        {
            foreach (var e in due)
            {
                var payload = new Dictionary<string, object?>
                {
                    ["seq"] = e.Seq, ["kind"] = e.Kind, ["mediaClockMs"] = e.MediaClockMs, ["json"] = e.Json,
                };
                foreach (var sink in _sinks) sink.WriteScriptData(EventTagName, payload, ts);
                EventsWritten++;
            }
            var json = due.Count == 1 ? due[0].Json : "[" + string.Join(",", due.Select(e => e.Json)) + "]";
            var sei = Options.Hevc ? _seiHevc : _seiAvc;
            if (sei.Insert(accessUnit, json, out var withSei) == SeiError.None) accessUnit = withSei;
        }
        foreach (var sink in _sinks) sink.WriteVideo(accessUnit, ts, ts, keyframe);
        _lastVideoMediaMs = Math.Max(_lastVideoMediaMs, mediaMs);
        _lastWrittenMediaMs = mediaMs;
        _lastOutputTicks = Stopwatch.GetTimestamp();
        VideoFramesOut++;
        if (recordLatency)
        {
            lock (_latencyUs)
            {
                _latencyUs[_latencyCount % _latencyUs.Length] = (long)Stopwatch.GetElapsedTime(startTicks, _lastOutputTicks).TotalMicroseconds;
                _latencyCount++;
            }
        }
    }

    private void OnAudio(string room, IngestedAudioFrame frame)
    {
        var id = SourceId(room, frame.Participant);
        if (!_sources.TryGetValue(id, out var source)) return;
        if (source.Opus == null)
        {
            source.Opus = OpusDecoder.TryCreate(2, out _);
            if (source.Opus == null) return;
        }
        if (!source.Opus.Decode(frame.Payload.Span, _pcm, out var samples).Ok || samples == 0) return;
        _audioMixer.Push(id, _pcm.AsSpan(0, samples * 2), 2, ToOwnClock(room, frame.MediaTimeMs));
    }

    private void MixAudio(long nowMs)
    {
        while (_audioMixer.TryMixNext(nowMs, _left, _right, out var ptsSamples))
        {
            var rc = _aac.Encode(_left, _right, ptsSamples, _aacFrame, out var written, out var outPts);
            if (!rc.Ok || written == 0) continue;
            var ms = outPts / AudioMixer.SamplesPerMs - _originMs;
            if (ms < 0) continue;
            foreach (var sink in _sinks) sink.WriteAudio(_aacFrame.AsSpan(0, written), ms);
            AudioFramesOut++;
        }
    }

    private long ToOwnClock(string room, long mediaMs) =>
        room == Room || !_sfu.Clocks.TryGet(room, out var other) ? mediaMs : _clock.ToMediaMs(other.ToStopwatchTicks(mediaMs));

    private void AdaptCpu()
    {
        if (_cpu == null) return;
        var now = Stopwatch.GetTimestamp();
        if (now < _nextCpuCheckTicks) return;
        var first = _nextCpuCheckTicks == 0;
        _nextCpuCheckTicks = now + 2 * Stopwatch.Frequency;
        if (first) { _cpuMeter.Sample(); return; }
        var decision = _cpu.Observe(_cpuMeter.Sample());
        if (!decision.Changed) return;
        _fps = decision.Fps;
        var height = Math.Min(Options.Height, decision.Height);
        var width = Math.Max(64, (int)(Options.Width * (double)height / Options.Height)) & ~1;
        if (decision.Preset != _preset || height != _height)
            ReopenVideo(width, height & ~1, decision.Preset);
    }

    private void ReopenVideo(int width, int height, string preset)
    {
        var encoder = VideoEncoder.TryCreate(EncoderOptions(Options, width, height, _fps, preset), out _);
        if (encoder == null) return;
        _encoder.Dispose();
        _encoder = encoder;
        if (width != _width || height != _height)
        {
            _compositor.Dispose();
            _compositor = new VideoCompositor(Options.Compositor with { Width = width, Height = height });
            _appliedLayout = null;
            ApplyLayout();
        }
        (_width, _height, _preset) = (width, height, preset);
        _forceKeyframe = true;
        WriteMetadata();
    }

    private void WriteMetadata()
    {
        var metadata = new FlvMetadata
        {
            VideoCodec = Options.Hevc ? FlvVideoCodec.Hevc : FlvVideoCodec.Avc,
            Width = _width,
            Height = _height,
            FrameRate = _fps,
            VideoKbps = Options.VideoBitrateBitsPerSecond / 1000.0,
            AudioSpecificConfig = _aac.AudioSpecificConfig,
            AudioSampleRate = AacEncoder.SampleRate,
            AudioChannels = AacEncoder.Channels,
            AudioKbps = Options.AudioBitrateBitsPerSecond / 1000.0,
        };
        foreach (var sink in _sinks) sink.WriteMetadata(metadata);
    }

    private static VideoEncoderOptions EncoderOptions(RoomMixerOptions o, int width, int height, int fps, string preset) => new()
    {
        Encoder = o.Encoder,
        Width = width,
        Height = height,
        Fps = fps,
        BitrateBitsPerSecond = o.VideoBitrateBitsPerSecond,
        GopFrames = fps * o.GopSeconds,
        Preset = preset,
        Tune = "zerolatency",
        Threads = 1,
        DirectX264 = o.X264Mode != X264Mode.Libavcodec,
        SkipUnchangedMacroblocks = o.X264Mode == X264Mode.DirectWithHints,
    };

    /// <summary>How the encoder is driven ("libx264 direct, unchanged macroblocks hinted", "libavcodec", …).</summary>
    public string EncoderBackend => _encoder.Backend;
    /// <summary>Macroblocks hinted unchanged to x264 / encoded, since the encoder was (re)opened.</summary>
    public long MacroblocksHinted => _encoder.MacroblocksHinted;
    public long MacroblocksEncoded => _encoder.MacroblocksEncoded;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _wake.Set();
        var stopped = await Task.Run(() => _thread.Join(TimeSpan.FromSeconds(10)));
        foreach (var ingest in _ingests.Values) ingest.Dispose();
        _ingests.Clear();
        // The other mixers go back to decoding what this one shared.
        _exchange?.WithdrawAll(this);
        if (!stopped)
        {
            // The thread is still inside a codec call: freeing the codecs under it would crash the process (a double
            // free was seen once in x265). Leak them instead, and say so.
            _failure ??= "the mixer thread did not stop within 10 s; its codecs were not freed";
            return;
        }
        foreach (var s in _sources.Values) s.Dispose();
        _sources.Clear();
        _compositor.Dispose();
        _encoder.Dispose();
        _aac.Dispose();
    }

    /// <summary>A hold on output frames from <see cref="StampMs"/> on; see <see cref="Hold"/>.</summary>
    public sealed class OutputHold(long stampMs, long expiresTicks)
    {
        private long _releaseSeq = long.MaxValue;
        private volatile bool _cancelled;

        public long StampMs { get; } = stampMs;
        internal long ExpiresTicks { get; } = expiresTicks;
        internal long ReleaseSeq => Interlocked.Read(ref _releaseSeq);
        internal bool IsCancelled => _cancelled;
        public bool IsReleased => Interlocked.Read(ref _releaseSeq) != long.MaxValue;

        /// <summary>The event was appended with sequence <paramref name="seq"/>: the hold ends once the mixer has it.</summary>
        public void ReleaseAfter(long seq) => Interlocked.Exchange(ref _releaseSeq, seq);

        /// <summary>No event after all (refused, a retry, a failure): the hold ends now.</summary>
        public void Cancel() => _cancelled = true;
    }

    /// <summary>Asks a source for a keyframe, at most every <see cref="KeyFrameRequestIntervalMs"/>.</summary>
    private void RequestKeyFrame(Source source, long nowTicks)
    {
        if (source.LastKeyFrameRequestTicks != 0 && nowTicks - source.LastKeyFrameRequestTicks < KeyFrameRequestIntervalMs * Stopwatch.Frequency / 1000) return;
        source.LastKeyFrameRequestTicks = nowTicks;
        var slash = source.Id.IndexOf('/');
        if (slash > 0) _ = _sfu.RequestKeyFrame(source.Id[..slash], source.Id[(slash + 1)..]);
    }

    private const int KeyFrameRequestIntervalMs = 500;

    private sealed class Source(string id) : IDisposable
    {
        public string Id { get; } = id;
        public VideoDecoder? Decoder;
        /// <summary>True until the decoder has been fed a keyframe (again true after a refused access unit).</summary>
        public bool AwaitingKeyFrame = true;
        public long LastKeyFrameRequestTicks;
        public OpusDecoder? Opus;
        public int Width, Height;
        /// <summary>The last shared picture taken (<see cref="DecodedPictureExchange.TakeNewer"/>).</summary>
        public long SharedSeq;

        public void Dispose()
        {
            Decoder?.Dispose();
            Opus?.Dispose();
        }
    }
}
