using CoStream.Mixer.Codecs.Native;

namespace CoStream.Mixer.Codecs;

/// <summary>
/// An in-process H.264 (libx264) / H.265 (libx265) encoder over FFmpeg 5.1's libavcodec: I420 frames in,
/// Annex-B access units out. Every codec-context setting goes through av_opt_set*, never a struct offset.
/// libx264 is by default opened directly instead (<see cref="X264Session"/>: the same parameters, plus macroblock
/// hints that FFmpeg 5.1's wrapper cannot pass); <see cref="VideoEncoderOptions.DirectX264"/> = false, or a libx264
/// whose layout does not check out, uses libavcodec's wrapper. Not thread-safe; one encoder per output stream.
/// </summary>
public sealed class VideoEncoder : IDisposable
{
    private readonly AvCodecContextHandle? _context;
    private readonly AvFrameHandle? _frame;
    private readonly AvPacketHandle? _packet;
    private readonly X264Session? _x264;
    private bool _flushed;
    private bool _disposed;
    private EncodedFrames? _scratch;

    public VideoEncoderOptions Options { get; }
    public long FramesIn { get; private set; }
    public long FramesRefused { get; private set; }
    /// <summary>"libx264 direct" or "libavcodec", and why not direct when it was asked for.</summary>
    public string Backend { get; }
    /// <summary>Macroblocks hinted unchanged to x264, and macroblocks encoded (direct libx264 only; else 0).</summary>
    public long MacroblocksHinted => _x264?.MacroblocksHinted ?? 0;
    public long MacroblocksEncoded => _x264?.MacroblocksEncoded ?? 0;

    private VideoEncoder(VideoEncoderOptions options, AvCodecContextHandle context, AvFrameHandle frame, AvPacketHandle packet, string backend)
    {
        Options = options;
        _context = context;
        _frame = frame;
        _packet = packet;
        Backend = backend;
    }

    private VideoEncoder(VideoEncoderOptions options, X264Session x264)
    {
        Options = options;
        _x264 = x264;
        Backend = options.SkipUnchangedMacroblocks ? "libx264 direct, unchanged macroblocks hinted" : "libx264 direct";
    }

    /// <summary>Opens an encoder, or returns null with the reason (bad options, library or encoder missing).</summary>
    public static VideoEncoder? TryCreate(VideoEncoderOptions options, out string? reason)
    {
        reason = options.Validate();
        if (reason != null) return null;
        string? notDirect = null;
        if (options.Encoder == "libx264" && options.DirectX264)
        {
            var session = X264Session.TryOpen(options, out notDirect);
            if (session != null) return new VideoEncoder(options, session);
            if (X264Session.IsAvailable(out _))
            {
                // The library is usable and refused these parameters: libavcodec would refuse them too, and say why less well.
                reason = notDirect;
                return null;
            }
        }
        if (!NativeLibraries.TryLoad(NativeLibraries.AvCodec, out reason)) return null;
        FFmpeg.Quiet();
        var codec = FFmpeg.avcodec_find_encoder_by_name(options.Encoder);
        if (codec == IntPtr.Zero) { reason = $"encoder {options.Encoder} not in this libavcodec"; return null; }

        var context = AvCodecContextHandle.Allocate(codec);
        var frame = AvFrameHandle.Allocate();
        var packet = AvPacketHandle.Allocate();
        if (context.IsInvalid || frame.IsInvalid || packet.IsInvalid)
        {
            reason = "out of memory allocating the codec context";
            context.Dispose(); frame.Dispose(); packet.Dispose();
            return null;
        }
        reason = Configure(context.DangerousGetHandle(), codec, options) ?? AllocateFrame(frame.DangerousGetHandle(), options);
        if (reason != null)
        {
            context.Dispose(); frame.Dispose(); packet.Dispose();
            return null;
        }
        return new VideoEncoder(options, context, frame, packet, notDirect == null ? "libavcodec" : $"libavcodec (libx264 direct unavailable: {notDirect})");
    }

    private static string? Configure(IntPtr ctx, IntPtr codec, VideoEncoderOptions o)
    {
        const int children = AvConstants.OptSearchChildren;
        var x265 = o.Encoder == "libx265";
        var steps = new (string what, Func<int> call)[]
        {
            ("video_size", () => FFmpeg.av_opt_set_image_size(ctx, "video_size", o.Width, o.Height, 0)),
            ("pixel_format", () => FFmpeg.av_opt_set_pixel_fmt(ctx, "pixel_format", AvConstants.PixFmtYuv420P, 0)),
            ("time_base", () => FFmpeg.av_opt_set_q(ctx, "time_base", new AvRational(1, o.Fps), 0)),
            ("b", () => FFmpeg.av_opt_set_int(ctx, "b", o.BitrateBitsPerSecond, 0)),
            ("g", () => FFmpeg.av_opt_set_int(ctx, "g", o.EffectiveGop, 0)),
            ("keyint_min", () => FFmpeg.av_opt_set_int(ctx, "keyint_min", o.EffectiveGop, 0)),
            ("bf", () => FFmpeg.av_opt_set_int(ctx, "bf", 0, 0)),
            ("threads", () => FFmpeg.av_opt_set_int(ctx, "threads", o.Threads, 0)),
            ("preset", () => FFmpeg.av_opt_set(ctx, "preset", o.Preset, children)),
            ("tune", () => FFmpeg.av_opt_set(ctx, "tune", o.Tune, children)),
            ("forced-idr", () => x265 ? 0 : FFmpeg.av_opt_set_int(ctx, "forced-idr", 1, children)),
            (x265 ? "x265-params" : "x264-params", () => X26xParams(o) is { Length: > 0 } p
                ? FFmpeg.av_opt_set(ctx, x265 ? "x265-params" : "x264-params", p, children) : 0),
        };
        foreach (var (what, call) in steps)
        {
            var rc = call();
            if (rc < 0) return $"option {what}: {FFmpeg.ErrorText(rc)}";
        }
        var open = FFmpeg.avcodec_open2(ctx, codec, IntPtr.Zero);
        return open < 0 ? $"avcodec_open2 {o.Encoder}: {FFmpeg.ErrorText(open)}" : null;
    }

    /// <summary>
    /// The x264/x265 private parameters: no scene-cut keyframes unless asked; for x265 with one thread, no thread
    /// pool and one frame thread (FFmpeg's <c>threads</c> does not reach x265, which otherwise starts its own pool).
    /// </summary>
    internal static string X26xParams(VideoEncoderOptions o)
    {
        var parts = new List<string>();
        if (!o.SceneCutKeyframes) parts.Add("scenecut=0");
        if (o.Encoder == "libx265" && o.Threads == 1) parts.Add("pools=none:frame-threads=1");
        if (o.Encoder == "libx265") parts.Add("log-level=error");
        return string.Join(':', parts);
    }

    private static string? AllocateFrame(IntPtr frame, VideoEncoderOptions o)
    {
        AvFrameLayout.SetInt(frame, AvFrameLayout.Width, o.Width);
        AvFrameLayout.SetInt(frame, AvFrameLayout.Height, o.Height);
        AvFrameLayout.SetInt(frame, AvFrameLayout.Format, AvConstants.PixFmtYuv420P);
        var rc = FFmpeg.av_frame_get_buffer(frame, 0);
        return rc < 0 ? $"av_frame_get_buffer: {FFmpeg.ErrorText(rc)}" : null;
    }

    /// <summary>
    /// Encodes one frame (pts in 1/Fps units) and appends the access units that came out — with
    /// zero-latency tuning, the frame's own. <paramref name="forceKeyframe"/> makes it an IDR.
    /// </summary>
    public CodecResult Encode(I420Frame frame, bool forceKeyframe, List<EncodedVideoFrame> output)
    {
        var scratch = _scratch ??= new EncodedFrames();
        var result = Encode(frame, forceKeyframe, scratch);
        for (var i = 0; i < scratch.Count; i++) output.Add(scratch.ToFrame(i));
        return result;
    }

    /// <summary>
    /// Encodes one frame into <paramref name="output"/> (cleared first): the allocation-free form of
    /// <see cref="Encode(I420Frame, bool, List{EncodedVideoFrame})"/> for a caller that writes the access units out at once.
    /// </summary>
    public CodecResult Encode(I420Frame frame, bool forceKeyframe, EncodedFrames output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        output.Clear();
        if (_flushed) return Refuse("encoder already flushed");
        if (frame.Width != Options.Width || frame.Height != Options.Height)
            return Refuse($"frame is {frame.Width}x{frame.Height}, encoder is {Options.Width}x{Options.Height}");
        if (_x264 != null)
        {
            var result = _x264.Encode(frame, forceKeyframe, output);
            if (!result.Ok) FramesRefused++;
            else FramesIn++;
            return result;
        }

        var av = _frame!.DangerousGetHandle();
        var rc = FFmpeg.av_frame_make_writable(av);
        if (rc < 0) return Refuse($"av_frame_make_writable: {FFmpeg.ErrorText(rc)}", rc);
        FrameCopy.ToAvFrame(frame, av);
        AvFrameLayout.SetPts(av, frame.Pts);
        AvFrameLayout.SetInt(av, AvFrameLayout.PictType, forceKeyframe ? AvConstants.PictureTypeI : AvConstants.PictureTypeNone);

        rc = FFmpeg.avcodec_send_frame(_context!.DangerousGetHandle(), av);
        if (rc < 0) return Refuse($"avcodec_send_frame: {FFmpeg.ErrorText(rc)}", rc);
        FramesIn++;
        return Drain(output);
    }

    /// <summary>Signals end of stream and appends whatever the encoder still held.</summary>
    public CodecResult Flush(List<EncodedVideoFrame> output)
    {
        var scratch = _scratch ??= new EncodedFrames();
        var result = Flush(scratch);
        for (var i = 0; i < scratch.Count; i++) output.Add(scratch.ToFrame(i));
        return result;
    }

    /// <summary>Signals end of stream; <paramref name="output"/> (cleared first) gets whatever the encoder still held.</summary>
    public CodecResult Flush(EncodedFrames output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        output.Clear();
        if (_flushed) return CodecResult.Success;
        _flushed = true;
        if (_x264 != null) return _x264.Flush(output);
        var rc = FFmpeg.avcodec_send_frame(_context!.DangerousGetHandle(), IntPtr.Zero);
        return rc < 0 ? Refuse($"avcodec_send_frame(flush): {FFmpeg.ErrorText(rc)}", rc) : Drain(output);
    }

    private unsafe CodecResult Drain(EncodedFrames output)
    {
        var ctx = _context!.DangerousGetHandle();
        var pkt = _packet!.DangerousGetHandle();
        while (true)
        {
            var rc = FFmpeg.avcodec_receive_packet(ctx, pkt);
            if (rc == AvConstants.ErrorEAgain || rc == AvConstants.ErrorEof) return CodecResult.Success;
            if (rc < 0) return Refuse($"avcodec_receive_packet: {FFmpeg.ErrorText(rc)}", rc);
            var size = AvPacketLayout.GetInt(pkt, AvPacketLayout.Size);
            output.Add(new ReadOnlySpan<byte>(AvPacketLayout.GetData(pkt), size),
                AvPacketLayout.GetLong(pkt, AvPacketLayout.Pts),
                AvPacketLayout.GetLong(pkt, AvPacketLayout.Dts),
                (AvPacketLayout.GetInt(pkt, AvPacketLayout.Flags) & AvConstants.PacketFlagKey) != 0);
            FFmpeg.av_packet_unref(pkt);
        }
    }

    private CodecResult Refuse(string reason, int code = 0)
    {
        FramesRefused++;
        return CodecResult.Refused(reason, code);
    }

    public void Dispose()
    {
        _disposed = true;
        _x264?.Dispose();
        _packet?.Dispose();
        _frame?.Dispose();
        _context?.Dispose();
    }
}
