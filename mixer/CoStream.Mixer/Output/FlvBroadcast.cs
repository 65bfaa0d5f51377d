using CoStream.Mixer.Flv;

namespace CoStream.Mixer.Output;

/// <summary>
/// Fans one live FLV stream out to many HTTP-FLV viewers. It keeps the latest onMetaData and sequence
/// headers and a GOP cache (every tag since the last keyframe, bounded), so a viewer that joins gets the
/// FLV header, metadata, sequence headers and then the cached GOP — a complete stream that starts on a
/// keyframe at once. Each tag is built once as an immutable byte array shared by all viewers. A viewer
/// whose queue passes its bounds is dropped (counted) rather than holding back the others or the mixer.
/// </summary>
public sealed class FlvBroadcast : IFlvSink, IFlvTagConsumer
{
    private readonly record struct CachedTag(FlvTagKind Kind, byte[] Bytes);

    private readonly FlvBroadcastOptions _options;
    private readonly FlvMuxer _muxer;
    private readonly object _lock = new();
    private readonly List<CachedTag> _gop = [];
    private readonly List<FlvViewer> _viewers = [];
    private byte[]? _metadataTag, _videoHeaderTag, _audioHeaderTag;
    private long _gopBytes;
    private long _nextViewerId;
    private bool _closed;

    public FlvBroadcast(FlvBroadcastOptions? options = null)
    {
        _options = options ?? new FlvBroadcastOptions();
        _muxer = new FlvMuxer(this);
    }

    public FlvMuxer Muxer => _muxer;
    public long TagsIn { get; private set; }
    public long ViewersJoined { get; private set; }
    public long ViewersDroppedSlow { get; private set; }
    /// <summary>Times the GOP cache passed its bounds and was emptied until the next keyframe.</summary>
    public long GopCacheOverflows { get; private set; }
    public int ViewerCount { get { lock (_lock) return _viewers.Count; } }
    public int GopCacheTags { get { lock (_lock) return _gop.Count; } }
    public long GopCacheBytes { get { lock (_lock) return _gopBytes; } }
    public bool IsClosed { get { lock (_lock) return _closed; } }

    public void WriteMetadata(FlvMetadata metadata) => _muxer.WriteMetadata(metadata, _muxer.LastTimestamp);
    public void WriteVideo(ReadOnlySpan<byte> accessUnit, long dtsMs, long ptsMs, bool keyframe) => _muxer.WriteVideo(accessUnit, dtsMs, ptsMs, keyframe);
    public void WriteAudio(ReadOnlySpan<byte> rawAacFrame, long ptsMs) => _muxer.WriteAudio(rawAacFrame, ptsMs);
    public void WriteScriptData(string name, object? payload, long timestampMs) => _muxer.WriteScriptData(name, payload, timestampMs);

    void IFlvTagConsumer.OnTag(FlvTagKind kind, FlvTagType type, uint timestamp, ReadOnlySpan<byte> body)
    {
        var bytes = new byte[FlvFormat.GetTagSize(body.Length)];
        FlvFormat.WriteTag(bytes, type, timestamp, body);
        lock (_lock)
        {
            if (_closed) return;
            TagsIn++;
            switch (kind)
            {
                case FlvTagKind.Metadata: _metadataTag = bytes; break;
                case FlvTagKind.VideoSequenceHeader: _videoHeaderTag = bytes; break;
                case FlvTagKind.AudioSequenceHeader: _audioHeaderTag = bytes; break;
                case FlvTagKind.VideoKeyframe:
                    _gop.Clear();
                    _gopBytes = 0;
                    Cache(kind, bytes);
                    break;
                default:
                    if (_gop.Count > 0) Cache(kind, bytes); // nothing is cached before the first keyframe
                    break;
            }
            for (int i = _viewers.Count - 1; i >= 0; i--)
            {
                var v = _viewers[i];
                if (v.WaitingForKeyframe)
                {
                    // Joined while no GOP was cached: its stream begins at the next keyframe.
                    if (kind == FlvTagKind.VideoKeyframe) v.WaitingForKeyframe = false;
                    else if (kind is FlvTagKind.VideoInterframe or FlvTagKind.Audio) continue;
                }
                if (!v.TryEnqueue(bytes, _options.ViewerQueueMaxTags, _options.ViewerQueueMaxBytes))
                {
                    _viewers.RemoveAt(i);
                    ViewersDroppedSlow++;
                    v.Complete($"fell behind: {v.QueuedTags} tags waiting");
                }
            }
        }
    }

    private void Cache(FlvTagKind kind, byte[] bytes)
    {
        if (_gop.Count + 1 > _options.GopCacheMaxTags || _gopBytes + bytes.Length > _options.GopCacheMaxBytes)
        {
            // A GOP too long to keep: new viewers wait for the next keyframe instead.
            _gop.Clear();
            _gopBytes = 0;
            GopCacheOverflows++;
            return;
        }
        _gop.Add(new CachedTag(kind, bytes));
        _gopBytes += bytes.Length;
    }

    /// <summary>
    /// Adds a viewer. Its queue starts with the FLV header, metadata, sequence headers and the cached GOP
    /// (beginning with a keyframe); live tags follow with no gap. Null when the broadcast has ended.
    /// </summary>
    public FlvViewer? Subscribe()
    {
        lock (_lock)
        {
            if (_closed) return null;
            var v = new FlvViewer(++_nextViewerId);
            var header = new byte[FlvFormat.FileHeaderSize];
            FlvFormat.WriteFileHeader(header, audio: _muxer.Metadata?.HasAudio ?? _audioHeaderTag != null, video: true);
            var limitTags = int.MaxValue; // the start of a stream is never refused; bounds apply from here on
            v.TryEnqueue(header, limitTags, long.MaxValue);
            if (_metadataTag != null) v.TryEnqueue(_metadataTag, limitTags, long.MaxValue);
            if (_videoHeaderTag != null) v.TryEnqueue(_videoHeaderTag, limitTags, long.MaxValue);
            if (_audioHeaderTag != null) v.TryEnqueue(_audioHeaderTag, limitTags, long.MaxValue);
            foreach (var t in _gop) v.TryEnqueue(t.Bytes, limitTags, long.MaxValue);
            v.WaitingForKeyframe = _gop.Count == 0;
            _viewers.Add(v);
            ViewersJoined++;
            return v;
        }
    }

    /// <summary>Removes a viewer (its connection ended).</summary>
    public void Unsubscribe(FlvViewer viewer)
    {
        lock (_lock) _viewers.Remove(viewer);
        viewer.Complete(null);
    }

    /// <summary>Ends the stream: every viewer's queue completes after what it already holds.</summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            foreach (var v in _viewers) v.Complete(null);
            _viewers.Clear();
            _gop.Clear();
            _gopBytes = 0;
        }
    }
}
