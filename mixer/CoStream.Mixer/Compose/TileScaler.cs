using CoStream.Mixer.Codecs;
using CoStream.Mixer.Codecs.Native;

namespace CoStream.Mixer.Compose;

/// <summary>
/// Scales a participant's I420 picture (packed, or a decoder's frame read in place) into a tile of the canvas with libswscale, crop-fill: the
/// source is centre-cropped to the tile's aspect ratio, then scaled to fill it (no bars). One cached
/// SwsContext per (cropped source size, tile size); the scaled picture lands in a reused, 32-byte-
/// aligned scratch buffer and is copied row by row into the canvas (swscale's SIMD may write past the
/// last pixel of a row, which must not touch the neighbouring tile). Allocation-free once warm.
/// </summary>
internal sealed unsafe class TileScaler : IDisposable
{
    private const int MaxContexts = 32;
    private readonly Dictionary<(int, int, int, int), SwsContextHandle> _contexts = new();
    private byte[] _scratch = [];

    public long ContextsCreated { get; private set; }

    /// <summary>Draws <paramref name="source"/> over the rectangle (x, y, w, h) of <paramref name="canvas"/>. False when libswscale refused.</summary>
    public bool Draw(I420Frame source, I420Frame canvas, int x, int y, int w, int h)
    {
        fixed (byte* src = source.Buffer) return Draw(PictureView.Of(source, src), canvas, x, y, w, h);
    }

    /// <summary>Draws a picture given by its planes (a decoder's frame, read in place) over (x, y, w, h) of <paramref name="canvas"/>.</summary>
    public bool Draw(in PictureView source, I420Frame canvas, int x, int y, int w, int h)
    {
        // Centre crop to the tile's aspect ratio, on even coordinates.
        int cw = source.Width, ch = source.Height;
        if ((long)source.Width * h > (long)w * source.Height) cw = Math.Max(2, (int)((long)source.Height * w / h) & ~1);
        else ch = Math.Max(2, (int)((long)source.Width * h / w) & ~1);
        cw = Math.Min(cw, source.Width);
        ch = Math.Min(ch, source.Height);
        int cx = ((source.Width - cw) / 2) & ~1, cy = ((source.Height - ch) / 2) & ~1;

        fixed (byte* dst = canvas.Buffer)
        {
            byte* sy = source.Y + (long)cy * source.StrideY + cx;
            byte* su = source.U + (long)(cy / 2) * source.StrideU + cx / 2;
            byte* sv = source.V + (long)(cy / 2) * source.StrideV + cx / 2;
            byte* dy = dst + (long)y * canvas.Width + x;
            byte* du = dst + canvas.Y.Length + (long)(y / 2) * canvas.ChromaWidth + x / 2;
            byte* dv = dst + canvas.Y.Length + canvas.U.Length + (long)(y / 2) * canvas.ChromaWidth + x / 2;
            int wc = w / 2, hc = h / 2;

            if (cw == w && ch == h)
            {
                Copy(sy, source.StrideY, dy, canvas.Width, w, h);
                Copy(su, source.StrideU, du, canvas.ChromaWidth, wc, hc);
                Copy(sv, source.StrideV, dv, canvas.ChromaWidth, wc, hc);
                return true;
            }

            var key = (cw, ch, w, h);
            if (!_contexts.TryGetValue(key, out var sws))
            {
                if (_contexts.Count >= MaxContexts) ClearContexts();
                var created = FFmpeg.sws_getCachedContext(IntPtr.Zero, cw, ch, AvConstants.PixFmtYuv420P, w, h,
                    AvConstants.PixFmtYuv420P, AvConstants.SwsBilinear, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
                if (created == IntPtr.Zero) return false;
                sws = new SwsContextHandle();
                sws.Replace(created);
                _contexts[key] = sws;
                ContextsCreated++;
            }

            int strideY = Align32(w), strideC = Align32(wc);
            var need = strideY * h + 2 * strideC * (hc + 1) + 64;
            if (_scratch.Length < need) _scratch = GC.AllocateArray<byte>(need, pinned: true);
            fixed (byte* s0 = _scratch)
            {
            byte* s1 = s0 + strideY * h;
            byte* s2 = s1 + strideC * (hc + 1);
            byte** srcPlanes = stackalloc byte*[4] { sy, su, sv, null };
            int* srcStrides = stackalloc int[4] { source.StrideY, source.StrideU, source.StrideV, 0 };
            byte** dstPlanes = stackalloc byte*[4] { s0, s1, s2, null };
            int* dstStrides = stackalloc int[4] { strideY, strideC, strideC, 0 };
            var lines = FFmpeg.sws_scale(sws.Current, srcPlanes, srcStrides, 0, ch, dstPlanes, dstStrides);
            if (lines != h) return false;
            Copy(s0, strideY, dy, canvas.Width, w, h);
            Copy(s1, strideC, du, canvas.ChromaWidth, wc, hc);
            Copy(s2, strideC, dv, canvas.ChromaWidth, wc, hc);
            return true;
            }
        }
    }

    private static int Align32(int v) => (v + 31) & ~31;

    private static void Copy(byte* src, int srcStride, byte* dst, int dstStride, int width, int height)
    {
        for (int row = 0; row < height; row++)
            new ReadOnlySpan<byte>(src + (long)row * srcStride, width).CopyTo(new Span<byte>(dst + (long)row * dstStride, width));
    }

    private void ClearContexts()
    {
        foreach (var c in _contexts.Values) c.Dispose();
        _contexts.Clear();
    }

    public void Dispose() => ClearContexts();
}
