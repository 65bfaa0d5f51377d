namespace CoStream.Mixer.Compose;

/// <summary>Settings of a <see cref="VideoCompositor"/>. Default canvas: 720×1280 portrait (mobile live commerce).</summary>
public sealed record CompositorOptions
{
    public int Width { get; init; } = 720;
    public int Height { get; init; } = 1280;
    /// <summary>A participant whose last frame is older than this (ms on the room clock) is drawn as a placeholder.</summary>
    public int StallMs { get; init; } = 1000;
    /// <summary>Canvas behind the tiles (BT.601 limited range): a dark slate, never pure black.</summary>
    public (byte Y, byte U, byte V) Background { get; init; } = (40, 136, 124);
    /// <summary>Placeholder tile colour (stalled or audio-only participant).</summary>
    public (byte Y, byte U, byte V) Placeholder { get; init; } = (64, 150, 110);
    /// <summary>Luma of the placeholder's "no video" mark (a square ring in the middle of the tile).</summary>
    public byte PlaceholderMarkY { get; init; } = 160;

    public string? Validate()
    {
        if (Width is < 16 or > Codecs.I420Frame.MaxDimension || Height is < 16 or > Codecs.I420Frame.MaxDimension)
            return $"impossible canvas {Width}x{Height}";
        if ((Width & 1) != 0 || (Height & 1) != 0) return $"canvas {Width}x{Height} is not even (4:2:0)";
        if (StallMs < 1) return $"stall threshold {StallMs} ms";
        return null;
    }
}
