using System.Buffers;
using CoStream.Mixer.Flv;

namespace CoStream.Mixer.Rtmp;

/// <summary>Where an <see cref="RtmpPublisher"/> is in its life.</summary>
public enum RtmpPublisherState
{
    Idle,
    Connecting,
    Publishing,
    WaitingToReconnect,
    Closed,
}

/// <summary>
/// Publishes one live FLV stream to an RTMP server (nginx-rtmp, SRS, a CDN ingest). The mixer's calls
/// (<see cref="IFlvSink"/>) never block: tags go into a bounded queue that one writer task sends. When the
/// queue is full, non-key video is dropped first (and following inter frames until the next keyframe);
/// while disconnected, media is dropped and counted. The writer connects (handshake, connect,
/// releaseStream, FCPublish, createStream, publish), sends @setDataFrame onMetaData and the sequence
/// headers, then media starting at a keyframe; when the server goes away it reconnects with capped
/// exponential back-off and does the same again. Timestamps never go back, across reconnects too:
/// headers resent after a reconnect carry the last sent timestamp, not 0.
/// </summary>
public sealed class RtmpPublisher : IFlvSink, IFlvTagConsumer, IKeyframeRequester, IAsyncDisposable
{
    private struct QueuedTag
    {
        public FlvTagKind Kind;
        public FlvTagType Type;
        public uint Timestamp;
        public byte[] Buffer;
        public int Length;
    }

    private readonly RtmpPublisherOptions _options;
    private readonly RtmpUrl _url;
    private readonly FlvMuxer _muxer;
    private readonly object _queueLock = new();
    private readonly Queue<QueuedTag> _queue = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private volatile RtmpPublisherState _state;
    private volatile bool _closeRequested;
    private bool _dropUntilKeyframe;
    private int _keyframeWanted;

    /// <summary>True once after a (re)connect or a drop that left video waiting for a keyframe: the mixer then forces one.</summary>
    public bool TakeKeyframeRequest() => Interlocked.Exchange(ref _keyframeWanted, 0) == 1;
    private long _bytesSentPrior;
    private RtmpConnection? _connection;
    private uint _lastSentTimestamp;
    private bool _sentAny;

    public RtmpPublisher(RtmpPublisherOptions options)
    {
        if (options.Validate() is { } reason) throw new ArgumentException(reason, nameof(options));
        _options = options;
        RtmpUrl.TryParse(options.Url, out var url, out _);
        _url = url!;
        _muxer = new FlvMuxer(this);
    }

    public RtmpPublisherState State => _state;
    public RtmpUrl Url => _url;
    public FlvMuxer Muxer => _muxer;
    /// <summary>Successful publish sessions (the first connect and every reconnect).</summary>
    public long Connects { get; private set; }
    /// <summary>Publish sessions after a lost one.</summary>
    public long Reconnects => Math.Max(0, Connects - 1);
    /// <summary>Attempts that ended before the server confirmed publishing (refused, unreachable, timed out).</summary>
    public long ConnectFailures { get; private set; }
    public long BytesSent => _bytesSentPrior + (_connection?.BytesSent ?? 0);
    public long TagsSent { get; private set; }
    public long TagsDroppedWhileDown { get; private set; }
    /// <summary>Tags dropped because the queue was full (non-key video first).</summary>
    public long TagsDroppedBehind { get; private set; }
    /// <summary>Inter frames skipped after a (re)connect until a keyframe came.</summary>
    public long FramesSkippedUntilKeyframe { get; private set; }
    public string? LastError { get; private set; }
    public string? LastStatusCode { get; private set; }
    /// <summary>The timestamp of the newest tag sent (ms, 32-bit).</summary>
    public uint LastSentTimestamp => _lastSentTimestamp;
    public int QueueLength { get { lock (_queueLock) return _queue.Count; } }

    /// <summary>Starts the writer task (connects in the background).</summary>
    public void Start()
    {
        if (_loop != null) return;
        _state = RtmpPublisherState.Connecting;
        _loop = Task.Run(RunAsync);
    }

    public void WriteMetadata(FlvMetadata metadata) => _muxer.WriteMetadata(metadata, _muxer.LastTimestamp);
    public void WriteVideo(ReadOnlySpan<byte> accessUnit, long dtsMs, long ptsMs, bool keyframe) => _muxer.WriteVideo(accessUnit, dtsMs, ptsMs, keyframe);
    public void WriteAudio(ReadOnlySpan<byte> rawAacFrame, long ptsMs) => _muxer.WriteAudio(rawAacFrame, ptsMs);
    public void WriteScriptData(string name, object? payload, long timestampMs) => _muxer.WriteScriptData(name, payload, timestampMs);

    void IFlvTagConsumer.OnTag(FlvTagKind kind, FlvTagType type, uint timestamp, ReadOnlySpan<byte> body)
    {
        var isHeader = kind is FlvTagKind.Metadata or FlvTagKind.VideoSequenceHeader or FlvTagKind.AudioSequenceHeader;
        if (_closeRequested) return;
        lock (_queueLock)
        {
            if (_state != RtmpPublisherState.Publishing)
            {
                // Headers need no queueing: the muxer keeps the latest and the writer sends them on connecting.
                if (!isHeader) TagsDroppedWhileDown++;
                return;
            }
            if (kind == FlvTagKind.VideoKeyframe) _dropUntilKeyframe = false;
            else if (kind == FlvTagKind.VideoInterframe && _dropUntilKeyframe) { TagsDroppedBehind++; return; }

            if (_queue.Count >= _options.QueueCapacity)
            {
                if (kind == FlvTagKind.VideoInterframe) { TagsDroppedBehind++; _dropUntilKeyframe = true; Volatile.Write(ref _keyframeWanted, 1); return; }
                DropQueuedInterframes();
                if (_queue.Count >= _options.QueueCapacity)
                {
                    TagsDroppedBehind++;
                    if (kind == FlvTagKind.VideoKeyframe) _dropUntilKeyframe = true;
                    return;
                }
            }
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, body.Length));
            body.CopyTo(buffer);
            _queue.Enqueue(new QueuedTag { Kind = kind, Type = type, Timestamp = timestamp, Buffer = buffer, Length = body.Length });
        }
        _signal.Release();
    }

    /// <summary>Removes every queued inter frame; new inter frames wait for the next keyframe.</summary>
    private void DropQueuedInterframes()
    {
        var keep = _queue.Count;
        for (int i = 0; i < keep; i++)
        {
            var t = _queue.Dequeue();
            if (t.Kind == FlvTagKind.VideoInterframe) { TagsDroppedBehind++; ArrayPool<byte>.Shared.Return(t.Buffer); }
            else _queue.Enqueue(t);
        }
        _dropUntilKeyframe = true;
    }

    private bool TryDequeue(out QueuedTag tag)
    {
        lock (_queueLock) return _queue.TryDequeue(out tag);
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        int attempt = 0;
        while (!ct.IsCancellationRequested && !_closeRequested)
        {
            _state = RtmpPublisherState.Connecting;
            RtmpConnection? connection = null;
            var published = false;
            try
            {
                connection = await RtmpConnection.ConnectAsync(_url.Host, _url.Port, _options.ConnectTimeout, ct);
                _connection = connection;
                var streamId = await PublishAsync(connection, ct);
                Connects++;
                published = true;
                attempt = 0;
                lock (_queueLock) _state = RtmpPublisherState.Publishing;
                Volatile.Write(ref _keyframeWanted, 1); // a fresh connection starts on a keyframe: ask for one now, not at the next GOP
                await SendHeadersAsync(connection, streamId, ct);
                await PumpAsync(connection, streamId, ct);
                if (_closeRequested) { await UnpublishAsync(connection, streamId); break; }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                LastError = connection?.CloseReason ?? e.Message;
                if (!published) ConnectFailures++;
            }
            finally
            {
                lock (_queueLock) { if (_state == RtmpPublisherState.Publishing) _state = RtmpPublisherState.WaitingToReconnect; }
                if (connection != null)
                {
                    _bytesSentPrior += connection.BytesSent;
                    _connection = null;
                    await connection.DisposeAsync();
                }
            }
            if (_closeRequested) break;
            _state = RtmpPublisherState.WaitingToReconnect;
            try { await Task.Delay(_options.BackoffDelay(attempt++), ct); }
            catch (OperationCanceledException) { break; }
        }
        _state = RtmpPublisherState.Closed;
        lock (_queueLock)
            while (_queue.TryDequeue(out var t)) ArrayPool<byte>.Shared.Return(t.Buffer);
    }

    /// <summary>connect → releaseStream → FCPublish → createStream → publish; returns the message stream id.</summary>
    private async Task<uint> PublishAsync(RtmpConnection c, CancellationToken ct)
    {
        var timeout = _options.CommandTimeout;
        await c.SetChunkSizeAsync(_options.ChunkSize, ct);
        var connectObject = new Amf0Object
        {
            { "app", _url.App }, { "type", "nonprivate" }, { "flashVer", "FMLE/3.0 (compatible; CoStream)" },
            { "tcUrl", _url.TcUrl }, { "fourCcList", new object?[] { "hvc1", "avc1" } },
        };
        var result = await c.CallAsync("connect", 0, timeout, ct, connectObject);
        if (result.Name != "_result") throw new IOException($"connect refused: {result.Code}");
        await c.SendCommandAsync("releaseStream", 0, 0, ct, null, _url.Stream);
        await c.SendCommandAsync("FCPublish", 0, 0, ct, null, _url.Stream);
        result = await c.CallAsync("createStream", 0, timeout, ct, (object?)null);
        if (result.Name != "_result" || result.Arguments.Count < 2 || result.Arguments[1] is not double id)
            throw new IOException("createStream refused");
        var streamId = (uint)id;
        await c.SendCommandAsync("publish", 0, streamId, ct, null, _url.Stream, "live");

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await foreach (var m in c.Incoming.ReadAllAsync(cts.Token))
            {
                if (m.Type != RtmpMessageType.CommandAmf0 || RtmpCommand.TryRead(m.Payload, out var cmd) != Amf0Error.None) continue;
                if (cmd!.Name != "onStatus") continue;
                LastStatusCode = cmd.Code;
                if (cmd.Code == "NetStream.Publish.Start") return streamId;
                if (cmd.Code?.Contains("Publish.", StringComparison.Ordinal) == true || cmd.Info?["level"] as string == "error")
                    throw new IOException($"publish refused: {cmd.Code}");
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { throw new TimeoutException("no NetStream.Publish.Start"); }
        throw new IOException(c.CloseReason ?? "connection closed before publish started");
    }

    /// <summary>@setDataFrame onMetaData and the sequence headers, stamped with the last sent timestamp.</summary>
    private async Task SendHeadersAsync(RtmpConnection c, uint streamId, CancellationToken ct)
    {
        var ts = _lastSentTimestamp;
        if (_muxer.MetadataBody is { } meta)
        {
            var w = new ArrayBufferWriter<byte>(16 + meta.Length);
            Amf0.WriteString(w, "@setDataFrame");
            w.Write(meta);
            await c.SendMessageAsync(RtmpChunkWriter.DataChunkStream, RtmpMessageType.DataAmf0, ts, streamId, w.WrittenMemory, ct);
        }
        if (_muxer.VideoSequenceHeaderBody is { } video)
            await c.SendMessageAsync(RtmpChunkWriter.VideoChunkStream, RtmpMessageType.Video, ts, streamId, video, ct);
        if (_muxer.AudioSequenceHeaderBody is { } audio)
            await c.SendMessageAsync(RtmpChunkWriter.AudioChunkStream, RtmpMessageType.Audio, ts, streamId, audio, ct);
    }

    private async Task PumpAsync(RtmpConnection c, uint streamId, CancellationToken ct)
    {
        var waitForKeyframe = true;
        _ = DrainStatusAsync(c);
        var closeDeadline = DateTime.MaxValue;
        while (true)
        {
            if (!TryDequeue(out var tag))
            {
                if (_closeRequested) return;
                var wake = _signal.WaitAsync(ct);
                if (await Task.WhenAny(wake, c.Completion) == c.Completion) throw new IOException(c.CloseReason ?? "connection lost");
                await wake;
                continue;
            }
            try
            {
                if (_closeRequested)
                {
                    if (closeDeadline == DateTime.MaxValue) closeDeadline = DateTime.UtcNow + _options.CloseDrainTimeout;
                    else if (DateTime.UtcNow > closeDeadline) return;
                }
                if (tag.Kind == FlvTagKind.VideoKeyframe) waitForKeyframe = false;
                else if (tag.Kind == FlvTagKind.VideoInterframe && waitForKeyframe) { FramesSkippedUntilKeyframe++; continue; }

                var ts = tag.Timestamp;
                if (_sentAny && unchecked((int)(ts - _lastSentTimestamp)) < 0) ts = _lastSentTimestamp; // never back
                var memory = tag.Buffer.AsMemory(0, tag.Length);
                switch (tag.Kind)
                {
                    case FlvTagKind.Metadata:
                    {
                        var w = new ArrayBufferWriter<byte>(16 + tag.Length);
                        Amf0.WriteString(w, "@setDataFrame");
                        w.Write(memory.Span);
                        await c.SendMessageAsync(RtmpChunkWriter.DataChunkStream, RtmpMessageType.DataAmf0, ts, streamId, w.WrittenMemory, ct);
                        break;
                    }
                    case FlvTagKind.ScriptEvent:
                        await c.SendMessageAsync(RtmpChunkWriter.DataChunkStream, RtmpMessageType.DataAmf0, ts, streamId, memory, ct);
                        break;
                    case FlvTagKind.Audio or FlvTagKind.AudioSequenceHeader:
                        await c.SendMessageAsync(RtmpChunkWriter.AudioChunkStream, RtmpMessageType.Audio, ts, streamId, memory, ct);
                        break;
                    default:
                        await c.SendMessageAsync(RtmpChunkWriter.VideoChunkStream, RtmpMessageType.Video, ts, streamId, memory, ct);
                        break;
                }
                _lastSentTimestamp = ts;
                _sentAny = true;
                TagsSent++;
            }
            finally { ArrayPool<byte>.Shared.Return(tag.Buffer); }
        }
    }

    private async Task DrainStatusAsync(RtmpConnection c)
    {
        try
        {
            await foreach (var m in c.Incoming.ReadAllAsync())
                if (m.Type == RtmpMessageType.CommandAmf0 && RtmpCommand.TryRead(m.Payload, out var cmd) == Amf0Error.None && cmd!.Name == "onStatus")
                    LastStatusCode = cmd.Code;
        }
        catch (Exception) { /* connection gone */ }
    }

    private async Task UnpublishAsync(RtmpConnection c, uint streamId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await c.SendCommandAsync("FCUnpublish", 0, 0, cts.Token, null, _url.Stream);
            await c.SendCommandAsync("deleteStream", 0, 0, cts.Token, null, (double)streamId);
        }
        catch (Exception) { /* best effort: the server notices the close anyway */ }
    }

    /// <summary>Stops accepting tags; the writer sends what is queued (bounded by CloseDrainTimeout) and unpublishes.</summary>
    public void Close() => _ = CloseAsync();

    public async Task CloseAsync()
    {
        _closeRequested = true;
        _signal.Release();
        if (_loop == null) { _state = RtmpPublisherState.Closed; return; }
        if (await Task.WhenAny(_loop, Task.Delay(_options.CloseDrainTimeout + TimeSpan.FromSeconds(2))) != _loop) _stop.Cancel();
        await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _stop.Dispose();
    }
}
