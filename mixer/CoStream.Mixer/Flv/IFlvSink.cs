namespace CoStream.Mixer.Flv;

/// <summary>
/// What the mixer pipeline feeds its output with: one live stream of encoded media on the room's media
/// clock (milliseconds). Implemented by <see cref="FlvFileWriter"/>, <c>Rtmp.RtmpPublisher</c> and
/// <c>Output.FlvBroadcast</c>. Calls come from one thread (the mixer's); none of them blocks on the network.
/// </summary>
public interface IFlvSink
{
    /// <summary>Stream description (onMetaData) and the AAC AudioSpecificConfig; call before media, again if it changes.</summary>
    void WriteMetadata(FlvMetadata metadata);

    /// <summary>One Annex-B access unit (H.264 or H.265 per the metadata); parameter sets ride in keyframes.</summary>
    void WriteVideo(ReadOnlySpan<byte> accessUnit, long dtsMs, long ptsMs, bool keyframe);

    /// <summary>One raw AAC frame (no ADTS header).</summary>
    void WriteAudio(ReadOnlySpan<byte> rawAacFrame, long ptsMs);

    /// <summary>A named data event (e.g. onCoStreamEvent) with an AMF0-encodable payload at a media-clock stamp.</summary>
    void WriteScriptData(string name, object? payload, long timestampMs);

    /// <summary>Ends the stream.</summary>
    void Close();
}

/// <summary>The stream description written as onMetaData, plus the AAC decoder configuration.</summary>
public sealed record FlvMetadata
{
    public FlvVideoCodec VideoCodec { get; init; } = FlvVideoCodec.Avc;
    public int Width { get; init; }
    public int Height { get; init; }
    public double FrameRate { get; init; }
    public double VideoKbps { get; init; }
    /// <summary>AAC AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1); null when the stream has no audio.</summary>
    public byte[]? AudioSpecificConfig { get; init; }
    public int AudioSampleRate { get; init; } = 48_000;
    public int AudioChannels { get; init; } = 2;
    public double AudioKbps { get; init; }

    public bool HasAudio => AudioSpecificConfig is { Length: >= 2 };
}

/// <summary>
/// A sink that can use video only from a keyframe on at times (an RTMP connection just made or re-made, a queue that
/// had to drop): the mixer asks it after each frame and, when it says so, makes the next frame a keyframe.
/// </summary>
public interface IKeyframeRequester
{
    /// <summary>True once per request.</summary>
    bool TakeKeyframeRequest();
}
