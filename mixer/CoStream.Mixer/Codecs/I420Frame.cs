namespace CoStream.Mixer.Codecs;

/// <summary>
/// A planar YUV 4:2:0 picture in one tightly packed buffer: Y (Width×Height), then U and V
/// (ChromaWidth×ChromaHeight each). <see cref="Pts"/> is in the producer's time base.
/// </summary>
public sealed class I420Frame
{
    public const int MaxDimension = 8192;

    public int Width { get; }
    public int Height { get; }
    public long Pts { get; set; }
    public byte[] Buffer { get; }

    public int ChromaWidth => (Width + 1) / 2;
    public int ChromaHeight => (Height + 1) / 2;

    public I420Frame(int width, int height, long pts = 0)
    {
        if (width is < 1 or > MaxDimension || height is < 1 or > MaxDimension)
            throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height} is not a picture size");
        Width = width;
        Height = height;
        Pts = pts;
        Buffer = new byte[GetSize(width, height)];
    }

    public static int GetSize(int width, int height) => width * height + 2 * ((width + 1) / 2) * ((height + 1) / 2);

    public Span<byte> Y => Buffer.AsSpan(0, Width * Height);
    public Span<byte> U => Buffer.AsSpan(Width * Height, ChromaWidth * ChromaHeight);
    public Span<byte> V => Buffer.AsSpan(Width * Height + ChromaWidth * ChromaHeight, ChromaWidth * ChromaHeight);

    /// <summary>A picture of one colour.</summary>
    public static I420Frame Solid(int width, int height, byte y, byte u, byte v, long pts = 0)
    {
        var f = new I420Frame(width, height, pts);
        f.Y.Fill(y);
        f.U.Fill(u);
        f.V.Fill(v);
        return f;
    }

    /// <summary>Mean of a plane (0 = Y, 1 = U, 2 = V).</summary>
    public double MeanOf(int plane)
    {
        var span = plane switch { 0 => Y, 1 => U, _ => V };
        long sum = 0;
        foreach (var b in span) sum += b;
        return (double)sum / span.Length;
    }
}
