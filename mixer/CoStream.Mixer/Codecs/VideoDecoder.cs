using CoStream.Mixer.Codecs.Native;

namespace CoStream.Mixer.Codecs;

/// <summary>
/// An in-process H.264 / H.265 / VP8 decoder over FFmpeg 5.1's libavcodec: one access unit in, I420
/// frames out (other pixel formats are converted with libswscale). Hostile input is refused with a
/// reason and counted; the decoder stays usable (the next keyframe recovers the picture).
/// Not thread-safe; one decoder per incoming track.
/// </summary>
public sealed class VideoDecoder : IDisposable
{
    /// <summary>Largest access unit accepted (a 4K intra frame at high quality fits comfortably).</summary>
    public const int MaxAccessUnitSize = 8 * 1024 * 1024;

    private readonly AvCodecContextHandle _context;
    private readonly AvFrameHandle _frame;
    private readonly AvPacketHandle _packet;
    private readonly SwsContextHandle _sws = new();
    private readonly I420Frame?[] _ring;
    private int _ringNext;
    private readonly Stack<DecodedPicture> _shells = new();
    private bool _disposed;

    public VideoCodec Codec { get; }
    public long AccessUnitsIn { get; private set; }
    public long FramesOut { get; private set; }
    /// <summary>Access units and frames refused (malformed, undecodable, impossible size); each with a reason.</summary>
    public long Refused { get; private set; }
    public string? LastRefusal { get; private set; }

    private VideoDecoder(VideoCodec codec, AvCodecContextHandle context, AvFrameHandle frame, AvPacketHandle packet, int recycledPictures)
    {
        _ring = new I420Frame?[recycledPictures];
        Codec = codec;
        _context = context;
        _frame = frame;
        _packet = packet;
    }

    /// <summary>Default bound on a picture's area: 4096×2304 (a hostile SPS may declare any size).</summary>
    public const long DefaultMaxPixels = 4096L * 2304;

    /// <summary>Most pictures a decoder may recycle (<see cref="TryCreate"/>).</summary>
    public const int MaxRecycledPictures = 8;

    /// <summary>
    /// Opens a decoder, or returns null with the reason. Pictures larger than <paramref name="maxPixels"/>
    /// are refused by libavcodec before it allocates them ("max_pixels"). With <paramref name="recycledPictures"/> = 0
    /// every decoded picture is a new <see cref="I420Frame"/> the caller owns; with n &gt; 0 the decoder writes into n
    /// pictures in turn (allocation-free once warm), so a picture it returned stays as it is only until n more
    /// pictures have come out — 2 is double buffering for a caller that keeps just the latest.
    /// </summary>
    public static VideoDecoder? TryCreate(VideoCodec codec, out string? reason, long maxPixels = DefaultMaxPixels, int recycledPictures = 0)
    {
        if (recycledPictures is < 0 or > MaxRecycledPictures)
        {
            reason = $"recycledPictures {recycledPictures} out of range 0..{MaxRecycledPictures}";
            return null;
        }
        if (maxPixels is < 16 * 16 or > (long)I420Frame.MaxDimension * I420Frame.MaxDimension)
        {
            reason = $"max_pixels {maxPixels} out of range";
            return null;
        }
        if (!NativeLibraries.TryLoad(NativeLibraries.AvCodec, out reason)) return null;
        FFmpeg.Quiet();
        var av = FFmpeg.avcodec_find_decoder((int)codec);
        if (av == IntPtr.Zero) { reason = $"decoder for {codec} not in this libavcodec"; return null; }
        var context = AvCodecContextHandle.Allocate(av);
        var frame = AvFrameHandle.Allocate();
        var packet = AvPacketHandle.Allocate();
        reason = context.IsInvalid || frame.IsInvalid || packet.IsInvalid ? "out of memory allocating the decoder" : null;
        if (reason == null)
        {
            var ctx = context.DangerousGetHandle();
            // One thread: errors surface on the call that caused them. Explode: a damaged access unit is
            // refused rather than concealed into a half-grey picture.
            int rc = FFmpeg.av_opt_set_int(ctx, "threads", 1, 0);
            if (rc >= 0) rc = FFmpeg.av_opt_set(ctx, "err_detect", "explode", 0);
            if (rc >= 0) rc = FFmpeg.av_opt_set_int(ctx, "max_pixels", maxPixels, 0);
            if (rc >= 0) rc = FFmpeg.avcodec_open2(ctx, av, IntPtr.Zero);
            if (rc < 0) reason = $"opening the {codec} decoder: {FFmpeg.ErrorText(rc)}";
        }
        if (reason != null)
        {
            context.Dispose(); frame.Dispose(); packet.Dispose();
            return null;
        }
        return new VideoDecoder(codec, context, frame, packet, recycledPictures);
    }

    /// <summary>
    /// Decodes one access unit (Annex-B for H.264/H.265, one frame for VP8) stamped <paramref name="pts"/>
    /// and appends the pictures that came out.
    /// </summary>
    public CodecResult Decode(ReadOnlySpan<byte> accessUnit, long pts, List<I420Frame> output)
    {
        var sent = Send(accessUnit, pts);
        return sent.Ok ? Drain(output) : sent;
    }

    /// <summary>
    /// Decodes one access unit like <see cref="Decode"/>, but gives the newest picture that came out where libavcodec
    /// wrote it (<see cref="DecodedPicture"/>: a frame reference, no copy), or null when none came out. The caller owns
    /// the picture and disposes it (on this thread) when done; libavcodec does not reuse its buffers meanwhile. Older
    /// pictures of the same call (none for a live stream) are given back at once.
    /// </summary>
    public CodecResult DecodeInPlace(ReadOnlySpan<byte> accessUnit, long pts, out DecodedPicture? picture)
    {
        picture = null;
        var sent = Send(accessUnit, pts);
        if (!sent.Ok) return sent;
        var ctx = _context.DangerousGetHandle();
        var frame = _frame.DangerousGetHandle();
        while (true)
        {
            var rc = FFmpeg.avcodec_receive_frame(ctx, frame);
            if (rc == AvConstants.ErrorEAgain || rc == AvConstants.ErrorEof) return CodecResult.Success;
            if (rc < 0) return Refuse($"avcodec_receive_frame: {FFmpeg.ErrorText(rc)}", rc);
            var width = AvFrameLayout.GetInt(frame, AvFrameLayout.Width);
            var height = AvFrameLayout.GetInt(frame, AvFrameLayout.Height);
            var format = AvFrameLayout.GetInt(frame, AvFrameLayout.Format);
            var shell = Rent();
            if (shell == null)
            {
                FFmpeg.av_frame_unref(frame);
                return Refuse("out of memory allocating a frame");
            }
            if (width is >= 1 and <= I420Frame.MaxDimension && height is >= 1 and <= I420Frame.MaxDimension
                && format is AvConstants.PixFmtYuv420P or AvConstants.PixFmtYuvj420P)
            {
                shell.TakeFrom(frame, width, height, AvFrameLayout.GetPts(frame));
            }
            else
            {
                CodecResult converted;
                I420Frame? target;
                try { converted = ToI420(frame, out target); }
                finally { FFmpeg.av_frame_unref(frame); }
                if (!converted.Ok)
                {
                    Return(shell);
                    return converted;
                }
                shell.Wrap(target!);
            }
            picture?.Dispose();
            picture = shell;
            FramesOut++;
        }
    }

    private DecodedPicture? Rent()
    {
        if (_shells.TryPop(out var shell)) return shell;
        var frame = FFmpeg.av_frame_alloc();
        return frame == IntPtr.Zero ? null : new DecodedPicture(this, frame);
    }

    /// <summary>Takes a released picture's shell back for the next one; false when this decoder is gone (the shell frees itself).</summary>
    internal bool Return(DecodedPicture shell)
    {
        if (_disposed || _shells.Count >= MaxRecycledPictures) return false;
        _shells.Push(shell);
        return true;
    }

    private CodecResult Send(ReadOnlySpan<byte> accessUnit, long pts)
    {
        ObjectDisposedException.ThrowIf(_context.IsClosed, this);
        AccessUnitsIn++;
        if (accessUnit.IsEmpty) return Refuse("empty access unit");
        if (accessUnit.Length > MaxAccessUnitSize) return Refuse($"access unit of {accessUnit.Length} bytes exceeds {MaxAccessUnitSize}");
        if (Codec != VideoCodec.Vp8 && AnnexB.Check(accessUnit, Codec == VideoCodec.Hevc, out _) is { } malformed)
            return Refuse(malformed);

        var pkt = _packet.DangerousGetHandle();
        var rc = FFmpeg.av_new_packet(pkt, accessUnit.Length);
        if (rc < 0) return Refuse($"av_new_packet: {FFmpeg.ErrorText(rc)}", rc);
        unsafe { accessUnit.CopyTo(new Span<byte>(AvPacketLayout.GetData(pkt), accessUnit.Length)); }
        AvPacketLayout.SetLong(pkt, AvPacketLayout.Pts, pts);
        AvPacketLayout.SetLong(pkt, AvPacketLayout.Dts, pts);
        rc = FFmpeg.avcodec_send_packet(_context.DangerousGetHandle(), pkt);
        FFmpeg.av_packet_unref(pkt);
        if (rc < 0 && rc != AvConstants.ErrorEAgain) return Refuse($"avcodec_send_packet: {FFmpeg.ErrorText(rc)}", rc);
        return CodecResult.Success;
    }

    /// <summary>
    /// Drains the pictures the decoder still holds (end of stream) and resets it, so the next access
    /// unit — a keyframe — starts afresh.
    /// </summary>
    public CodecResult Flush(List<I420Frame> output)
    {
        ObjectDisposedException.ThrowIf(_context.IsClosed, this);
        var ctx = _context.DangerousGetHandle();
        var rc = FFmpeg.avcodec_send_packet(ctx, IntPtr.Zero);
        var result = rc < 0 && rc != AvConstants.ErrorEof ? Refuse($"avcodec_send_packet(flush): {FFmpeg.ErrorText(rc)}", rc) : Drain(output);
        FFmpeg.avcodec_flush_buffers(ctx);
        return result;
    }

    private unsafe CodecResult Drain(List<I420Frame> output)
    {
        var ctx = _context.DangerousGetHandle();
        var frame = _frame.DangerousGetHandle();
        while (true)
        {
            var rc = FFmpeg.avcodec_receive_frame(ctx, frame);
            if (rc == AvConstants.ErrorEAgain || rc == AvConstants.ErrorEof) return CodecResult.Success;
            if (rc < 0) return Refuse($"avcodec_receive_frame: {FFmpeg.ErrorText(rc)}", rc);
            try
            {
                var result = ToI420(frame, out var picture);
                if (!result.Ok) return result;
                output.Add(picture!);
                FramesOut++;
            }
            finally
            {
                FFmpeg.av_frame_unref(frame);
            }
        }
    }

    private unsafe CodecResult ToI420(IntPtr frame, out I420Frame? picture)
    {
        picture = null;
        var width = AvFrameLayout.GetInt(frame, AvFrameLayout.Width);
        var height = AvFrameLayout.GetInt(frame, AvFrameLayout.Height);
        var format = AvFrameLayout.GetInt(frame, AvFrameLayout.Format);
        if (width is < 1 or > I420Frame.MaxDimension || height is < 1 or > I420Frame.MaxDimension)
            return Refuse($"decoded picture has impossible size {width}x{height}");
        var target = NextPicture(width, height, AvFrameLayout.GetPts(frame));
        if (format is AvConstants.PixFmtYuv420P or AvConstants.PixFmtYuvj420P)
        {
            FrameCopy.FromPlanes(AvFrameLayout.GetData(frame, 0), AvFrameLayout.GetLinesize(frame, 0),
                AvFrameLayout.GetData(frame, 1), AvFrameLayout.GetLinesize(frame, 1),
                AvFrameLayout.GetData(frame, 2), AvFrameLayout.GetLinesize(frame, 2), target);
        }
        else
        {
            var sws = FFmpeg.sws_getCachedContext(_sws.Current, width, height, format, width, height,
                AvConstants.PixFmtYuv420P, AvConstants.SwsBilinear, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
            if (sws == IntPtr.Zero) return Refuse($"no conversion from pixel format {format} to yuv420p");
            _sws.Replace(sws);
            fixed (byte* dst = target.Buffer)
            {
                byte** dstPlanes = stackalloc byte*[4] { dst, dst + target.Y.Length, dst + target.Y.Length + target.U.Length, null };
                int* dstStrides = stackalloc int[4] { width, target.ChromaWidth, target.ChromaWidth, 0 };
                var lines = FFmpeg.sws_scale(sws, (byte**)((byte*)frame + AvFrameLayout.Data),
                    (int*)((byte*)frame + AvFrameLayout.Linesize), 0, height, dstPlanes, dstStrides);
                if (lines != height) return Refuse($"sws_scale converted {lines} of {height} lines");
            }
        }
        picture = target;
        return CodecResult.Success;
    }

    /// <summary>The picture to decode into: a new one, or the next of the ring (replaced when the size changed).</summary>
    private I420Frame NextPicture(int width, int height, long pts)
    {
        if (_ring.Length == 0) return new I420Frame(width, height, pts);
        var slot = _ringNext;
        _ringNext = (_ringNext + 1) % _ring.Length;
        if (_ring[slot] is not { } picture || picture.Width != width || picture.Height != height)
            _ring[slot] = picture = new I420Frame(width, height);
        picture.Pts = pts;
        return picture;
    }

    private CodecResult Refuse(string reason, int code = 0)
    {
        Refused++;
        LastRefusal = reason;
        return CodecResult.Refused(reason, code);
    }

    public void Dispose()
    {
        // Pictures still held elsewhere stay valid (their buffers are reference-counted) and free their own shells.
        _disposed = true;
        while (_shells.TryPop(out var shell)) shell.Free();
        _sws.Dispose();
        _packet.Dispose();
        _frame.Dispose();
        _context.Dispose();
    }
}
