namespace CoStream.Mixer.Control;

/// <summary>
/// Settings of a <see cref="CpuController"/>. Floors and ceilings follow seed 002's push settings
/// (8–24 fps, default 15; 360p–720p); the presets are x264/x265's, slowest first.
/// </summary>
public sealed record CpuControllerOptions
{
    /// <summary>CPU use to hold (a fraction of the budget the caller measures against, e.g. of the cores given to the mixer).</summary>
    public double Target { get; init; } = 0.70;
    /// <summary>Half-width of the dead band around the target: act only above Target + Band or below Target − Band.</summary>
    public double Band { get; init; } = 0.10;
    /// <summary>Consecutive windows over the band before stepping down (fast, but not on one spike).</summary>
    public int DegradeAfterWindows { get; init; } = 2;
    /// <summary>Consecutive windows under the band before stepping up (slow: raise carefully).</summary>
    public int UpgradeAfterWindows { get; init; } = 5;
    /// <summary>Windows ignored after a change (they still measure the old settings' cost).</summary>
    public int HoldWindows { get; init; } = 1;
    /// <summary>An upgrade undone within this many windows failed: the next try from that level waits twice as long.</summary>
    public int FailedUpgradeWithinWindows { get; init; } = 6;
    /// <summary>The longest an upgrade attempt waits after repeated failures.</summary>
    public int MaxUpgradeAfterWindows { get; init; } = 120;

    /// <summary>Frame rates, highest (ceiling) first; the last is the floor.</summary>
    public IReadOnlyList<int> FrameRates { get; init; } = [24, 20, 15, 12, 10, 8];
    /// <summary>Encoder presets, slowest (best quality, ceiling) first.</summary>
    public IReadOnlyList<string> Presets { get; init; } = ["veryfast", "superfast", "ultrafast"];
    /// <summary>Output heights, highest (ceiling) first; width follows the canvas's aspect ratio.</summary>
    public IReadOnlyList<int> Heights { get; init; } = [720, 540, 480, 360];

    /// <summary>Where to start: seed 002's default 15 fps at the best preset and resolution.</summary>
    public int StartFps { get; init; } = 15;

    public string? Validate()
    {
        if (Target is <= 0 or > 64) return $"target {Target}";
        if (Band < 0 || Band >= Target) return $"band {Band} around target {Target}";
        if (FrameRates.Count == 0 || Presets.Count == 0 || Heights.Count == 0) return "empty ladder";
        if (!FrameRates.Contains(StartFps)) return $"start fps {StartFps} is not on the ladder";
        if (DegradeAfterWindows < 1 || UpgradeAfterWindows < 1 || HoldWindows < 0) return "window counts";
        return null;
    }
}
