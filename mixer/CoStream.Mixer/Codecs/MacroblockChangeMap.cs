using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CoStream.Mixer.Codecs;

/// <summary>
/// Which 16x16 macroblocks of an I420 picture are bit-identical (Y, U and V) to the picture given before it — the
/// encoder's <c>X264_MBINFO_CONSTANT</c> hint. It keeps its own copy of the last picture and updates only what changed,
/// so a mostly static composite (an anchor in front of a still background, a placeholder tile, the canvas around the
/// tiles) costs one read of each picture and a copy of its changed parts. Only exact equality counts: a macroblock that
/// differs in one bit is "changed". Not thread-safe; one per encoder.
/// </summary>
public sealed class MacroblockChangeMap
{
    private readonly byte[] _previous;
    private readonly bool[] _changed;
    private bool _hasPrevious;

    public int Width { get; }
    public int Height { get; }
    /// <summary>Macroblock columns and rows (the picture's size rounded up to 16).</summary>
    public int Columns { get; }
    public int Rows { get; }
    /// <summary>One byte per macroblock in raster order: 1 = unchanged since the previous picture, 0 = changed or first.</summary>
    public byte[] Constant { get; }
    /// <summary>How many macroblocks the last <see cref="Update"/> found unchanged.</summary>
    public int ConstantCount { get; private set; }

    public MacroblockChangeMap(int width, int height)
    {
        if (width is < 2 or > I420Frame.MaxDimension || height is < 2 or > I420Frame.MaxDimension)
            throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height} is not a picture size");
        Width = width;
        Height = height;
        Columns = (width + 15) / 16;
        Rows = (height + 15) / 16;
        _previous = GC.AllocateUninitializedArray<byte>(I420Frame.GetSize(width, height));
        _changed = new bool[Columns * Rows];
        Constant = new byte[Columns * Rows];
    }

    /// <summary>Forgets the previous picture: the next <see cref="Update"/> marks everything changed (after a refused encode, a keyframe the encoder did not see, …).</summary>
    public void Reset() => _hasPrevious = false;

    /// <summary>Compares <paramref name="frame"/> with the previous picture, fills <see cref="Constant"/>, and keeps the frame as the next "previous".</summary>
    public int Update(I420Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width != Width || frame.Height != Height)
            throw new ArgumentException($"frame is {frame.Width}x{frame.Height}, map is {Width}x{Height}", nameof(frame));
        var current = frame.Buffer.AsSpan(0, _previous.Length);
        if (!_hasPrevious)
        {
            current.CopyTo(_previous);
            Array.Clear(Constant);
            _hasPrevious = true;
            return ConstantCount = 0;
        }
        Array.Clear(_changed);
        ComparePlane(current, _previous, 0, Width, Height, 16, _changed, Columns);
        var cw = (Width + 1) / 2;
        var ch = (Height + 1) / 2;
        ComparePlane(current, _previous, Width * Height, cw, ch, 8, _changed, Columns);
        ComparePlane(current, _previous, Width * Height + cw * ch, cw, ch, 8, _changed, Columns);
        var count = 0;
        for (var i = 0; i < _changed.Length; i++)
        {
            var constant = !_changed[i];
            Constant[i] = constant ? (byte)1 : (byte)0;
            if (constant) count++;
        }
        return ConstantCount = count;
    }

    /// <summary>
    /// One plane: each row is compared in blocks of <paramref name="block"/> bytes (one macroblock's width in this plane);
    /// a differing block marks its macroblock changed and is copied into <paramref name="previous"/>.
    /// </summary>
    private static void ComparePlane(Span<byte> current, Span<byte> previous, int offset, int width, int height, int block,
        bool[] changed, int columns)
    {
        ref var cur = ref MemoryMarshal.GetReference(current);
        ref var prev = ref MemoryMarshal.GetReference(previous);
        var fullBlocks = width / block;
        var tail = width - fullBlocks * block;
        for (var y = 0; y < height; y++)
        {
            var row = offset + y * width;
            var mbRow = y / block * columns;
            for (var bx = 0; bx < fullBlocks; bx++)
            {
                var at = row + bx * block;
                bool same = block == 16
                    ? Vector128.LoadUnsafe(ref cur, (nuint)at) == Vector128.LoadUnsafe(ref prev, (nuint)at)
                    : Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref cur, at)) == Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref prev, at));
                if (same) continue;
                changed[mbRow + bx] = true;
                if (block == 16)
                    Vector128.LoadUnsafe(ref cur, (nuint)at).StoreUnsafe(ref prev, (nuint)at);
                else
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref prev, at), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref cur, at)));
            }
            if (tail > 0)
            {
                var at = row + fullBlocks * block;
                var c = current.Slice(at, tail);
                var p = previous.Slice(at, tail);
                if (!c.SequenceEqual(p))
                {
                    changed[mbRow + fullBlocks] = true;
                    c.CopyTo(p);
                }
            }
        }
    }
}
