using System.Runtime.InteropServices;
using CoStream.Mixer.Codecs.Native;

namespace CoStream.Mixer.Codecs;

/// <summary>Where an I420 picture's three planes are, with their strides (rows may be padded). Valid while its owner is.</summary>
public readonly unsafe struct PictureView(int width, int height, byte* y, int strideY, byte* u, int strideU, byte* v, int strideV)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public byte* Y { get; } = y;
    public byte* U { get; } = u;
    public byte* V { get; } = v;
    public int StrideY { get; } = strideY;
    public int StrideU { get; } = strideU;
    public int StrideV { get; } = strideV;
    public int ChromaWidth => (Width + 1) / 2;
    public int ChromaHeight => (Height + 1) / 2;

    /// <summary>The planes of a packed <see cref="I420Frame"/> whose buffer is pinned at <paramref name="buffer"/>.</summary>
    public static PictureView Of(I420Frame frame, byte* buffer)
    {
        var luma = frame.Width * frame.Height;
        var chroma = frame.ChromaWidth * frame.ChromaHeight;
        return new PictureView(frame.Width, frame.Height, buffer, frame.Width, buffer + luma, frame.ChromaWidth,
            buffer + luma + chroma, frame.ChromaWidth);
    }

    /// <summary>A sample of plane 0 (Y), 1 (U) or 2 (V).</summary>
    public byte At(int plane, int x, int y) => plane switch
    {
        0 => Y[(long)y * StrideY + x],
        1 => U[(long)y * StrideU + x],
        _ => V[(long)y * StrideV + x],
    };
}

/// <summary>
/// A decoded picture read where the decoder wrote it: a reference to libavcodec's frame (its buffers stay the
/// decoder's until <see cref="Dispose"/>, which gives them back to its pool), so nothing is copied. For a pixel format
/// other than 4:2:0 the decoder converts into one of its recycled <see cref="I420Frame"/>s and this wraps that,
/// pinned. Use and dispose it on the decoding thread; a disposed picture's shell goes back to its decoder for the next.
/// </summary>
public sealed unsafe class DecodedPicture : IDisposable
{
    private readonly VideoDecoder? _owner;
    private IntPtr _frame;
    private I420Frame? _converted;
    private GCHandle _pin;

    internal DecodedPicture(VideoDecoder? owner, IntPtr frame)
    {
        _owner = owner;
        _frame = frame;
    }

    /// <summary>The AVFrame behind an in-place picture (zero for a converted one).</summary>
    internal IntPtr Frame => _converted == null && InUse ? _frame : IntPtr.Zero;

    /// <summary>
    /// A new picture holding its own reference to <paramref name="source"/>'s buffers (no copy; thread-safe, the
    /// buffers are reference-counted), owned by no decoder: it frees itself when disposed. Null when out of memory.
    /// </summary>
    internal static DecodedPicture? Reference(IntPtr source, int width, int height, long pts)
    {
        var frame = FFmpeg.av_frame_alloc();
        if (frame == IntPtr.Zero) return null;
        if (FFmpeg.av_frame_ref(frame, source) < 0)
        {
            FFmpeg.av_frame_free(ref frame);
            return null;
        }
        var picture = new DecodedPicture(null, frame);
        picture.Adopt(width, height, pts);
        return picture;
    }

    public int Width { get; private set; }
    public int Height { get; private set; }
    public long Pts { get; private set; }
    public PictureView View { get; private set; }
    internal bool InUse { get; private set; }

    /// <summary>Takes over the frame libavcodec just returned in <paramref name="received"/> (which is left blank).</summary>
    internal void TakeFrom(IntPtr received, int width, int height, long pts)
    {
        FFmpeg.av_frame_move_ref(_frame, received);
        Adopt(width, height, pts);
    }

    private void Adopt(int width, int height, long pts)
    {
        (Width, Height, Pts, InUse) = (width, height, pts, true);
        View = new PictureView(width, height,
            AvFrameLayout.GetData(_frame, 0), AvFrameLayout.GetLinesize(_frame, 0),
            AvFrameLayout.GetData(_frame, 1), AvFrameLayout.GetLinesize(_frame, 1),
            AvFrameLayout.GetData(_frame, 2), AvFrameLayout.GetLinesize(_frame, 2));
    }

    /// <summary>Wraps a picture the decoder converted into one of its recycled frames.</summary>
    internal void Wrap(I420Frame converted)
    {
        _converted = converted;
        _pin = GCHandle.Alloc(converted.Buffer, GCHandleType.Pinned);
        (Width, Height, Pts, InUse) = (converted.Width, converted.Height, converted.Pts, true);
        View = PictureView.Of(converted, (byte*)_pin.AddrOfPinnedObject());
    }

    /// <summary>A copy as a packed <see cref="I420Frame"/> (tests, diagnostics).</summary>
    public I420Frame ToI420Frame()
    {
        ObjectDisposedException.ThrowIf(!InUse, this);
        var f = new I420Frame(Width, Height, Pts);
        var view = View;
        FrameCopy.FromPlanes(view.Y, view.StrideY, view.U, view.StrideU, view.V, view.StrideV, f);
        return f;
    }

    /// <summary>Gives the frame back to libavcodec (or unpins the converted picture); the shell returns to its decoder.</summary>
    public void Dispose()
    {
        if (!InUse) return;
        InUse = false;
        View = default;
        if (_converted != null)
        {
            _pin.Free();
            _converted = null;
        }
        else
        {
            FFmpeg.av_frame_unref(_frame);
        }
        if (_owner == null || !_owner.Return(this)) Free();
    }

    /// <summary>Frees the AVFrame shell (the decoder is gone, or its pool is full).</summary>
    internal void Free()
    {
        if (_frame == IntPtr.Zero) return;
        var f = _frame;
        FFmpeg.av_frame_free(ref f);
        _frame = IntPtr.Zero;
    }
}
