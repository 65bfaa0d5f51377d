using CoStream.Mixer.Compose;

namespace CoStream.Mixer.Pipeline;

/// <summary>
/// How one room's composite is made. Defaults follow the push settings of seed 002 (15 fps, keyframe every
/// 4 s, 800 kbps video, "504P") in portrait for live commerce.
/// </summary>
public sealed record RoomMixerOptions
{
    /// <summary>"libx264" (H.264) or "libx265" (H.265, FLV as enhanced RTMP <c>hvc1</c>).</summary>
    public string Encoder { get; init; } = "libx264";
    public int Width { get; init; } = 504;
    public int Height { get; init; } = 896;
    /// <summary>The output's frame-rate ceiling; the anchor's own frames pace the output below it.</summary>
    public int Fps { get; init; } = 15;
    public int GopSeconds { get; init; } = 4;
    public long VideoBitrateBitsPerSecond { get; init; } = 800_000;
    public string Preset { get; init; } = "veryfast";
    public int AudioBitrateBitsPerSecond { get; init; } = 64_000;
    /// <summary>A guest's tile becomes a placeholder after this long without a picture.</summary>
    public int StallMs { get; init; } = 1000;
    /// <summary>
    /// When the anchor's video stops, the output goes on paced by the clock, showing what it has, stamped this far
    /// behind the room clock (about the ingest delay, so the clock-paced frames line up with the audio).
    /// </summary>
    public int ClockPacedDelayMs { get; init; } = 80;
    /// <summary>Solo anchor on the output codec: forward its video without transcoding.</summary>
    public bool Passthrough { get; init; } = true;
    /// <summary>Hold the mixer near a CPU target by stepping frame rate, then preset (Control/CpuController).</summary>
    public bool AdaptiveCpu { get; init; }
    public double CpuTarget { get; init; } = 0.7;
    /// <summary>The longest an event being committed holds the output back (<see cref="RoomMixer.Hold"/>).</summary>
    public int MaxEventHoldMs { get; init; } = 300;
    /// <summary>
    /// How libx264 is driven: directly (default: the same stream as libavcodec's wrapper, one picture copy fewer),
    /// directly with unchanged-macroblock hints (<c>VideoEncoderOptions.SkipUnchangedMacroblocks</c>), or through
    /// libavcodec's wrapper. No effect on libx265.
    /// </summary>
    public X264Mode X264Mode { get; init; } = X264Mode.Direct;
    /// <summary>Latency samples kept for <see cref="RoomMixer.LatencySnapshot"/>.</summary>
    public int LatencySamples { get; init; } = 4096;

    public bool Hevc => Encoder == "libx265";

    public CompositorOptions Compositor => new() { Width = Width, Height = Height, StallMs = StallMs };

    public string? Validate()
    {
        if (Encoder is not ("libx264" or "libx265")) return "encoder must be libx264 or libx265";
        if (Width is < 64 or > 3840 || Height is < 64 or > 3840 || Width % 2 != 0 || Height % 2 != 0) return "output size must be even, 64..3840";
        if (Fps is < 1 or > 60) return "fps must be 1..60";
        if (GopSeconds is < 1 or > 10) return "GOP must be 1..10 s";
        if (CpuTarget is <= 0 or > 64) return "CPU target must be above 0 (cores)";
        return null;
    }
}

/// <summary>How a <see cref="RoomMixer"/> drives libx264.</summary>
public enum X264Mode
{
    DirectWithHints,
    Direct,
    Libavcodec,
}
