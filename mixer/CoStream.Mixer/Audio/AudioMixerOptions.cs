namespace CoStream.Mixer.Audio;

/// <summary>Settings of an <see cref="AudioMixer"/>.</summary>
public sealed record AudioMixerOptions
{
    /// <summary>How long the mixer waits behind the room clock for late packets before mixing a span (ms).</summary>
    public int JitterMarginMs { get; init; } = 60;
    /// <summary>How far ahead of the mix position a source may write (ms); later samples are dropped and counted.</summary>
    public int MaxLeadMs { get; init; } = 1000;
    /// <summary>A packet whose start lands within this many samples of where the source's previous one ended is joined to it (no click).</summary>
    public int SnapSamples { get; init; } = 96;
    /// <summary>Level above which the soft limiter bends the mix toward ±1 (0–1).</summary>
    public float LimiterThreshold { get; init; } = 0.8f;
    /// <summary>Output samples per frame: the AAC frame size.</summary>
    public int FrameSize { get; init; } = 1024;
}
