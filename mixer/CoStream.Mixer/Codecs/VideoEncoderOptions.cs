namespace CoStream.Mixer.Codecs;

/// <summary>
/// Settings of a <see cref="VideoEncoder"/>. Defaults follow seed 002's push settings: 15 fps, a keyframe
/// every 4 s, 800 kbps; zero-latency tuning (no B-frames, no lookahead) for the co-stream path.
/// </summary>
public sealed record VideoEncoderOptions
{
    /// <summary>FFmpeg encoder name: "libx264" or "libx265".</summary>
    public string Encoder { get; init; } = "libx264";
    public int Width { get; init; } = 640;
    public int Height { get; init; } = 360;
    /// <summary>Frames per second; the encoder's time base is 1/Fps, so pts count frames.</summary>
    public int Fps { get; init; } = 15;
    public long BitrateBitsPerSecond { get; init; } = 800_000;
    /// <summary>Keyframe interval in frames (GOP). 0 means Fps × 4.</summary>
    public int GopFrames { get; init; }
    public string Preset { get; init; } = "veryfast";
    public string Tune { get; init; } = "zerolatency";
    /// <summary>Let the encoder add keyframes on scene cuts; off keeps keyframes exactly every GOP (what a GOP cache wants).</summary>
    public bool SceneCutKeyframes { get; init; }
    /// <summary>Encoder threads; 1 keeps latency lowest and CPU accounting exact.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Open libx264 through its own API (<see cref="X264Session"/>) rather than libavcodec's wrapper: the same
    /// parameters, and the only way to pass <see cref="SkipUnchangedMacroblocks"/>. Ignored for libx265.
    /// </summary>
    public bool DirectX264 { get; init; } = true;
    /// <summary>
    /// With <see cref="DirectX264"/>: mark every macroblock that is bit-identical to the previous frame's
    /// (<see cref="MacroblockChangeMap"/>) so x264 codes it as a skip without analysing it (x264 ignores a hint whose
    /// reference was coded worse). Off by default: measured on 720p composites, x264's own early-skip test already makes
    /// still macroblocks cheap, and the comparison (~0.15 ms a frame) costs about what the hints save (docs/decisions.md).
    /// </summary>
    public bool SkipUnchangedMacroblocks { get; init; }

    public int EffectiveGop => GopFrames > 0 ? GopFrames : Fps * 4;

    /// <summary>The first thing wrong with these settings, or null.</summary>
    public string? Validate()
    {
        if (Width is < 16 or > I420Frame.MaxDimension || Height is < 16 or > I420Frame.MaxDimension)
            return $"impossible resolution {Width}x{Height}";
        if ((Width & 1) != 0 || (Height & 1) != 0) return $"resolution {Width}x{Height} is not even (4:2:0)";
        if (Fps is < 1 or > 240) return $"impossible frame rate {Fps}";
        if (BitrateBitsPerSecond is < 10_000 or > 100_000_000) return $"impossible bitrate {BitrateBitsPerSecond}";
        if (GopFrames < 0) return $"negative GOP {GopFrames}";
        if (Threads is < 0 or > 64) return $"impossible thread count {Threads}";
        return null;
    }
}
