namespace CoStream.Mixer.Codecs.Native;

/// <summary>Copies between <see cref="I420Frame"/> and an AVFrame's planes (honouring its linesizes).</summary>
internal static unsafe class FrameCopy
{
    public static void ToAvFrame(I420Frame source, IntPtr frame)
    {
        CopyPlane(source.Y, source.Width, source.Height, AvFrameLayout.GetData(frame, 0), AvFrameLayout.GetLinesize(frame, 0));
        CopyPlane(source.U, source.ChromaWidth, source.ChromaHeight, AvFrameLayout.GetData(frame, 1), AvFrameLayout.GetLinesize(frame, 1));
        CopyPlane(source.V, source.ChromaWidth, source.ChromaHeight, AvFrameLayout.GetData(frame, 2), AvFrameLayout.GetLinesize(frame, 2));
    }

    /// <summary>Reads planes 0..2 (an I420 layout with the given strides) into <paramref name="target"/>.</summary>
    public static void FromPlanes(byte* y, int yStride, byte* u, int uStride, byte* v, int vStride, I420Frame target)
    {
        ReadPlane(y, yStride, target.Width, target.Height, target.Y);
        ReadPlane(u, uStride, target.ChromaWidth, target.ChromaHeight, target.U);
        ReadPlane(v, vStride, target.ChromaWidth, target.ChromaHeight, target.V);
    }

    private static void CopyPlane(ReadOnlySpan<byte> src, int width, int height, byte* dst, int stride)
    {
        for (int row = 0; row < height; row++)
            src.Slice(row * width, width).CopyTo(new Span<byte>(dst + (long)row * stride, width));
    }

    private static void ReadPlane(byte* src, int stride, int width, int height, Span<byte> dst)
    {
        for (int row = 0; row < height; row++)
            new ReadOnlySpan<byte>(src + (long)row * stride, width).CopyTo(dst.Slice(row * width, width));
    }
}
