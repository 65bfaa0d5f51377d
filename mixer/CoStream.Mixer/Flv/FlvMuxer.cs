using System.Buffers;

namespace CoStream.Mixer.Flv;

/// <summary>What a tag is, for the consumers that keep or drop tags by role (GOP cache, RTMP queue).</summary>
public enum FlvTagKind
{
    Metadata,
    VideoSequenceHeader,
    AudioSequenceHeader,
    VideoKeyframe,
    VideoInterframe,
    Audio,
    ScriptEvent,
}

/// <summary>Receives the tags an <see cref="FlvMuxer"/> makes. The body span is only valid during the call.</summary>
public interface IFlvTagConsumer
{
    void OnTag(FlvTagKind kind, FlvTagType type, uint timestamp, ReadOnlySpan<byte> body);
}

/// <summary>
/// Turns the <see cref="IFlvSink"/> calls into FLV tag bodies: onMetaData, sequence headers (a new one
/// whenever a keyframe carries different parameter sets), length-prefixed video frames, raw AAC and
/// named script events. Timestamps are made monotonic (never below the last tag's) and 32-bit.
/// Bodies are built in one reused buffer. Not thread-safe: one muxer per output.
/// </summary>
public sealed class FlvMuxer
{
    private readonly IFlvTagConsumer _consumer;
    private readonly ArrayBufferWriter<byte> _scratch = new(64 * 1024);
    private byte[]? _sps, _pps, _vps;
    private long _lastTimestamp = long.MinValue;
    private long _lastAudioTimestamp = long.MinValue;

    public FlvMuxer(IFlvTagConsumer consumer) => _consumer = consumer;

    public FlvMetadata? Metadata { get; private set; }
    /// <summary>Latest onMetaData body; latest video/audio sequence header bodies (for resending after reconnects).</summary>
    public byte[]? MetadataBody { get; private set; }
    public byte[]? VideoSequenceHeaderBody { get; private set; }
    public byte[]? AudioSequenceHeaderBody { get; private set; }
    /// <summary>Timestamp of the newest tag (ms, before 32-bit wrap), or 0.</summary>
    public long LastTimestamp => _lastTimestamp == long.MinValue ? 0 : _lastTimestamp;

    public long TagsOut { get; private set; }
    public long Refused { get; private set; }
    public long TimestampsClamped { get; private set; }
    public string? LastRefusal { get; private set; }

    /// <summary>Writes onMetaData and, if the metadata carries an AudioSpecificConfig, the AAC sequence header.</summary>
    public void WriteMetadata(FlvMetadata metadata, long timestampMs)
    {
        if (Metadata != null && Metadata.VideoCodec != metadata.VideoCodec)
        {
            // Another codec: the old sequence header no longer applies; video resumes at the next keyframe.
            VideoSequenceHeaderBody = null;
            _sps = _pps = _vps = null;
        }
        Metadata = metadata;
        var ts = Stamp(timestampMs);
        _scratch.ResetWrittenCount();
        Amf0.WriteString(_scratch, "onMetaData");
        Amf0.WriteValue(_scratch, BuildMetaData(metadata));
        MetadataBody = _scratch.WrittenSpan.ToArray();
        Emit(FlvTagKind.Metadata, FlvTagType.ScriptData, ts, MetadataBody);

        if (metadata.HasAudio)
        {
            var asc = metadata.AudioSpecificConfig!;
            var body = new byte[FlvTagBodies.AacHeaderSize + asc.Length];
            FlvTagBodies.WriteAacHeader(body, sequenceHeader: true);
            asc.CopyTo(body, FlvTagBodies.AacHeaderSize);
            AudioSequenceHeaderBody = body;
            Emit(FlvTagKind.AudioSequenceHeader, FlvTagType.Audio, ts, body);
        }
        else AudioSequenceHeaderBody = null;
    }

    /// <summary>The onMetaData ECMA array (FLV v10.1 E.5; videocodecid = FourCC for enhanced-RTMP HEVC).</summary>
    public static Amf0Object BuildMetaData(FlvMetadata m)
    {
        var o = new Amf0Object { IsEcmaArray = true };
        o.Add("duration", 0.0);
        o.Add("width", (double)m.Width);
        o.Add("height", (double)m.Height);
        o.Add("framerate", m.FrameRate);
        o.Add("videodatarate", m.VideoKbps);
        o.Add("videocodecid", m.VideoCodec == FlvVideoCodec.Avc ? (double)FlvTagBodies.CodecIdAvc : (double)FlvTagBodies.FourCcHvc1);
        if (m.HasAudio)
        {
            o.Add("audiodatarate", m.AudioKbps);
            o.Add("audiosamplerate", (double)m.AudioSampleRate);
            o.Add("audiosamplesize", 16.0);
            o.Add("stereo", m.AudioChannels >= 2);
            o.Add("audiocodecid", (double)FlvTagBodies.SoundFormatAac);
        }
        o.Add("encoder", "CoStream");
        return o;
    }

    /// <summary>
    /// One Annex-B access unit. A keyframe's parameter sets become a sequence header when they differ from
    /// the last; frames before the first sequence header are refused (a decoder could not use them).
    /// </summary>
    public bool WriteVideo(ReadOnlySpan<byte> accessUnit, long dtsMs, long ptsMs, bool keyframe)
    {
        if (Metadata == null) return Refuse("video before metadata");
        var codec = Metadata.VideoCodec;
        var hevc = codec == FlvVideoCodec.Hevc;
        var ts = Stamp(dtsMs);
        if (keyframe && !UpdateParameterSets(accessUnit, hevc, ts)) return false;
        if (VideoSequenceHeaderBody == null) return Refuse("video before the first keyframe with parameter sets");

        var nalBytes = NalUnits.GetLengthPrefixedSize(accessUnit, hevc);
        if (nalBytes == 0) return Refuse("access unit without slice NAL units");
        var cts = (int)Math.Clamp(ptsMs - dtsMs, -0x800000, 0x7FFFFF);
        var headerSize = FlvTagBodies.GetVideoFrameHeaderSize(codec, cts);
        if (headerSize + nalBytes > FlvFormat.MaxBodySize) return Refuse("access unit larger than an FLV tag");
        _scratch.ResetWrittenCount();
        var span = _scratch.GetSpan(headerSize + nalBytes);
        FlvTagBodies.WriteVideoFrameHeader(span, codec, keyframe, cts);
        NalUnits.WriteLengthPrefixed(accessUnit, hevc, span[headerSize..]);
        Emit(keyframe ? FlvTagKind.VideoKeyframe : FlvTagKind.VideoInterframe, FlvTagType.Video, ts, span[..(headerSize + nalBytes)]);
        return true;
    }

    private bool UpdateParameterSets(ReadOnlySpan<byte> accessUnit, bool hevc, uint ts)
    {
        ReadOnlySpan<byte> sps = default, pps = default, vps = default;
        foreach (var nal in new AnnexBNalEnumerator(accessUnit))
        {
            if (hevc && nal.Length < 2) continue;
            var type = hevc ? NalUnits.HevcType(nal) : NalUnits.AvcType(nal);
            if (type == (hevc ? NalUnits.HevcSps : NalUnits.AvcSps) && sps.IsEmpty) sps = nal;
            else if (type == (hevc ? NalUnits.HevcPps : NalUnits.AvcPps) && pps.IsEmpty) pps = nal;
            else if (hevc && type == NalUnits.HevcVps && vps.IsEmpty) vps = nal;
        }
        if (sps.IsEmpty || pps.IsEmpty || (hevc && vps.IsEmpty))
            return VideoSequenceHeaderBody != null || Refuse("first keyframe carries no parameter sets");
        if (_sps != null && sps.SequenceEqual(_sps) && pps.SequenceEqual(_pps) && (!hevc || vps.SequenceEqual(_vps)))
            return true;

        string? reason;
        var record = hevc ? DecoderConfiguration.BuildHevc(vps, sps, pps, out reason) : DecoderConfiguration.BuildAvc(sps, pps, out reason);
        if (record == null) return Refuse(reason!);
        var codec = hevc ? FlvVideoCodec.Hevc : FlvVideoCodec.Avc;
        var headerSize = codec == FlvVideoCodec.Avc ? FlvTagBodies.AvcHeaderSize : FlvTagBodies.HevcHeaderSizeNoCts;
        var body = new byte[headerSize + record.Length];
        FlvTagBodies.WriteVideoSequenceHeader(body, codec);
        record.CopyTo(body, headerSize);
        VideoSequenceHeaderBody = body;
        _sps = sps.ToArray(); _pps = pps.ToArray(); _vps = hevc ? vps.ToArray() : null;
        Emit(FlvTagKind.VideoSequenceHeader, FlvTagType.Video, ts, body);
        return true;
    }

    /// <summary>One raw AAC frame; refused until metadata with an AudioSpecificConfig has been written.</summary>
    public bool WriteAudio(ReadOnlySpan<byte> rawFrame, long ptsMs)
    {
        if (AudioSequenceHeaderBody == null) return Refuse("audio before an AudioSpecificConfig");
        if (rawFrame.IsEmpty || rawFrame.Length > FlvFormat.MaxBodySize - 2) return Refuse("impossible AAC frame size");
        var ts = StampAudio(ptsMs);
        _scratch.ResetWrittenCount();
        var span = _scratch.GetSpan(FlvTagBodies.AacHeaderSize + rawFrame.Length);
        FlvTagBodies.WriteAacHeader(span, sequenceHeader: false);
        rawFrame.CopyTo(span[FlvTagBodies.AacHeaderSize..]);
        Emit(FlvTagKind.Audio, FlvTagType.Audio, ts, span[..(FlvTagBodies.AacHeaderSize + rawFrame.Length)]);
        return true;
    }

    /// <summary>A named script-data tag: AMF0 string name, then the payload as one AMF0 value.</summary>
    public bool WriteScriptData(string name, object? payload, long timestampMs)
    {
        _scratch.ResetWrittenCount();
        try
        {
            Amf0.WriteString(_scratch, name);
            Amf0.WriteValue(_scratch, payload);
        }
        catch (ArgumentException e) { return Refuse(e.Message); }
        if (_scratch.WrittenCount > FlvFormat.MaxBodySize) return Refuse("script data larger than an FLV tag");
        Emit(FlvTagKind.ScriptEvent, FlvTagType.ScriptData, Stamp(timestampMs), _scratch.WrittenSpan);
        return true;
    }

    /// <summary>
    /// Audio keeps its own monotonic line: the mixer's audio runs a few tens of ms behind its video (the audio mix waits
    /// for every participant's packets), and clamping it to the video's timestamps would bunch audio frames together.
    /// Demuxers (FFmpeg, flv.js, nginx-rtmp) order by timestamp per track.
    /// </summary>
    private uint StampAudio(long ms)
    {
        if (ms < _lastAudioTimestamp) { TimestampsClamped++; ms = _lastAudioTimestamp; }
        _lastAudioTimestamp = ms;
        return unchecked((uint)ms);
    }

    private uint Stamp(long ms)
    {
        if (ms < _lastTimestamp) { TimestampsClamped++; ms = _lastTimestamp; }
        _lastTimestamp = ms;
        return unchecked((uint)ms); // FLV timestamps are 32-bit ms and wrap after ~49.7 days
    }

    private void Emit(FlvTagKind kind, FlvTagType type, uint ts, ReadOnlySpan<byte> body)
    {
        TagsOut++;
        _consumer.OnTag(kind, type, ts, body);
    }

    private bool Refuse(string reason)
    {
        Refused++;
        LastRefusal = reason;
        return false;
    }
}
