using CoStream.Mixer.Codecs;
using CoStream.Mixer.Codecs.Native;

namespace CoStream.Mixer.Audio;

/// <summary>
/// An in-process AAC-LC encoder over FFmpeg 5.1's native "aac" encoder: 48 kHz stereo planar float
/// (AV_SAMPLE_FMT_FLTP) in frames of exactly <see cref="FrameSize"/> samples, raw AAC frames out (no
/// ADTS), plus the AudioSpecificConfig (<see cref="AudioSpecificConfig"/>) an FLV sequence header needs.
/// Timestamps are in samples (time base 1/48000). Allocation-free per frame; not thread-safe.
/// </summary>
public sealed class AacEncoder : IDisposable
{
    public const int SampleRate = 48_000;
    public const int Channels = 2;
    /// <summary>The largest raw AAC frame: 6144 bits per channel (ISO/IEC 14496-3 §4.5.3.2).</summary>
    public const int MaxFrameBytes = 768 * Channels;

    private readonly AvCodecContextHandle _context;
    private readonly AvFrameHandle _frame;
    private readonly AvPacketHandle _packet;
    private bool _flushing;

    /// <summary>Samples per channel of every input frame (1024 for AAC-LC), as the opened context reports it.</summary>
    public int FrameSize { get; }
    public int BitrateBitsPerSecond { get; }
    /// <summary>The AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1) the encoder wrote to extradata.</summary>
    public byte[] AudioSpecificConfig { get; }
    public long FramesIn { get; private set; }
    public long FramesOut { get; private set; }
    public long Refused { get; private set; }

    private AacEncoder(AvCodecContextHandle context, AvFrameHandle frame, AvPacketHandle packet, int frameSize, int bitrate, byte[] asc)
    {
        _context = context;
        _frame = frame;
        _packet = packet;
        FrameSize = frameSize;
        BitrateBitsPerSecond = bitrate;
        AudioSpecificConfig = asc;
    }

    /// <summary>Opens an encoder, or returns null with the reason.</summary>
    public static unsafe AacEncoder? TryCreate(int bitrateBitsPerSecond, out string? reason)
    {
        if (bitrateBitsPerSecond is < 16_000 or > 512_000) { reason = $"AAC bitrate {bitrateBitsPerSecond} outside 16–512 kbps"; return null; }
        if (!NativeLibraries.TryLoad(NativeLibraries.AvCodec, out reason)) return null;
        FFmpeg.Quiet();
        var codec = FFmpeg.avcodec_find_encoder_by_name("aac");
        if (codec == IntPtr.Zero) { reason = "encoder aac not in this libavcodec"; return null; }
        var context = AvCodecContextHandle.Allocate(codec);
        var frame = AvFrameHandle.Allocate();
        var packet = AvPacketHandle.Allocate();
        if (context.IsInvalid || frame.IsInvalid || packet.IsInvalid)
        {
            reason = "out of memory allocating the codec context";
            context.Dispose(); frame.Dispose(); packet.Dispose();
            return null;
        }
        var ctx = context.DangerousGetHandle();
        var steps = new (string what, Func<int> call)[]
        {
            ("ar", () => FFmpeg.av_opt_set_int(ctx, "ar", SampleRate, 0)),
            // sample_fmt has no AVOption; write it by offset once its neighbour proves the layout.
            ("sample_fmt", () =>
            {
                if (AvCodecContextLayout.GetInt(ctx, AvCodecContextLayout.SampleRate) != SampleRate) return AvConstants.ErrorEInval;
                AvCodecContextLayout.SetInt(ctx, AvCodecContextLayout.SampleFmt, AvConstants.SampleFmtFltp);
                return 0;
            }),
            ("ch_layout", () => FFmpeg.av_opt_set(ctx, "ch_layout", "stereo", 0)),
            ("b", () => FFmpeg.av_opt_set_int(ctx, "b", bitrateBitsPerSecond, 0)),
            ("time_base", () => FFmpeg.av_opt_set_q(ctx, "time_base", new AvRational(1, SampleRate), 0)),
            ("flags", () => FFmpeg.av_opt_set(ctx, "flags", "+global_header", 0)),
        };
        foreach (var (what, call) in steps)
        {
            var rc = call();
            if (rc < 0) { reason = $"option {what}: {FFmpeg.ErrorText(rc)}"; return Fail(); }
        }
        var open = FFmpeg.avcodec_open2(ctx, codec, IntPtr.Zero);
        if (open < 0) { reason = $"avcodec_open2 aac: {FFmpeg.ErrorText(open)}"; return Fail(); }
        var got = FFmpeg.av_opt_get_int(ctx, "frame_size", 0, out var frameSize);
        if (got < 0 || frameSize is < 1 or > 8192) { reason = $"frame_size: {(got < 0 ? FFmpeg.ErrorText(got) : frameSize.ToString())}"; return Fail(); }
        var asc = AvCodecContextLayout.GetExtradata(ctx).ToArray();
        if (asc.Length < 2) { reason = "the aac encoder wrote no AudioSpecificConfig"; return Fail(); }

        var av = frame.DangerousGetHandle();
        AvFrameLayout.SetInt(av, AvFrameAudioLayout.NbSamples, (int)frameSize);
        AvFrameLayout.SetInt(av, AvFrameLayout.Format, AvConstants.SampleFmtFltp);
        FFmpeg.av_channel_layout_default(AvFrameAudioLayout.GetChLayout(av), Channels);
        var buffer = FFmpeg.av_frame_get_buffer(av, 0);
        if (buffer < 0) { reason = $"av_frame_get_buffer: {FFmpeg.ErrorText(buffer)}"; return Fail(); }
        return new AacEncoder(context, frame, packet, (int)frameSize, bitrateBitsPerSecond, asc);

        AacEncoder? Fail()
        {
            context.Dispose(); frame.Dispose(); packet.Dispose();
            return null;
        }
    }

    /// <summary>
    /// Encodes one frame of <see cref="FrameSize"/> samples per channel stamped <paramref name="ptsSamples"/>.
    /// At most one AAC frame comes out per call (the encoder lags by its priming delay); <paramref name="written"/>
    /// is 0 when none did, else its bytes are in <paramref name="output"/> stamped <paramref name="outPtsSamples"/>.
    /// </summary>
    public unsafe CodecResult Encode(ReadOnlySpan<float> left, ReadOnlySpan<float> right, long ptsSamples,
        Span<byte> output, out int written, out long outPtsSamples)
    {
        ObjectDisposedException.ThrowIf(_context.IsClosed, this);
        written = 0; outPtsSamples = 0;
        if (_flushing) return Refuse("encoder already flushed");
        if (left.Length != FrameSize || right.Length != FrameSize)
            return Refuse($"frame of {left.Length}/{right.Length} samples, the encoder takes {FrameSize}");
        var av = _frame.DangerousGetHandle();
        var rc = FFmpeg.av_frame_make_writable(av);
        if (rc < 0) return Refuse($"av_frame_make_writable: {FFmpeg.ErrorText(rc)}", rc);
        left.CopyTo(new Span<float>(AvFrameLayout.GetData(av, 0), FrameSize));
        right.CopyTo(new Span<float>(AvFrameLayout.GetData(av, 1), FrameSize));
        AvFrameLayout.SetPts(av, ptsSamples);
        rc = FFmpeg.avcodec_send_frame(_context.DangerousGetHandle(), av);
        if (rc < 0) return Refuse($"avcodec_send_frame: {FFmpeg.ErrorText(rc)}", rc);
        FramesIn++;
        return Receive(output, out written, out outPtsSamples);
    }

    /// <summary>Drains the encoder at end of stream: call until <paramref name="written"/> is 0.</summary>
    public CodecResult Flush(Span<byte> output, out int written, out long outPtsSamples)
    {
        ObjectDisposedException.ThrowIf(_context.IsClosed, this);
        written = 0; outPtsSamples = 0;
        if (!_flushing)
        {
            _flushing = true;
            var rc = FFmpeg.avcodec_send_frame(_context.DangerousGetHandle(), IntPtr.Zero);
            if (rc < 0) return Refuse($"avcodec_send_frame(flush): {FFmpeg.ErrorText(rc)}", rc);
        }
        return Receive(output, out written, out outPtsSamples);
    }

    private unsafe CodecResult Receive(Span<byte> output, out int written, out long pts)
    {
        written = 0; pts = 0;
        var pkt = _packet.DangerousGetHandle();
        var rc = FFmpeg.avcodec_receive_packet(_context.DangerousGetHandle(), pkt);
        if (rc == AvConstants.ErrorEAgain || rc == AvConstants.ErrorEof) return CodecResult.Success;
        if (rc < 0) return Refuse($"avcodec_receive_packet: {FFmpeg.ErrorText(rc)}", rc);
        try
        {
            var size = AvPacketLayout.GetInt(pkt, AvPacketLayout.Size);
            if (size > output.Length) return Refuse($"AAC frame of {size} bytes does not fit a buffer of {output.Length}");
            new ReadOnlySpan<byte>(AvPacketLayout.GetData(pkt), size).CopyTo(output);
            written = size;
            pts = AvPacketLayout.GetLong(pkt, AvPacketLayout.Pts);
            FramesOut++;
            return CodecResult.Success;
        }
        finally { FFmpeg.av_packet_unref(pkt); }
    }

    private CodecResult Refuse(string reason, int code = 0)
    {
        Refused++;
        return CodecResult.Refused(reason, code);
    }

    public void Dispose()
    {
        _packet.Dispose();
        _frame.Dispose();
        _context.Dispose();
    }
}
