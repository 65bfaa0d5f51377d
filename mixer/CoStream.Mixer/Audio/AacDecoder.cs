using CoStream.Mixer.Codecs;
using CoStream.Mixer.Codecs.Native;

namespace CoStream.Mixer.Audio;

/// <summary>
/// FFmpeg 5.1's native AAC decoder for raw AAC frames described by an AudioSpecificConfig (what FLV
/// carries): used to read the mixer's own output back (tests, monitoring). Output is planar float
/// stereo. Damaged frames are refused with a reason and counted. Not thread-safe.
/// </summary>
public sealed class AacDecoder : IDisposable
{
    private readonly AvCodecContextHandle _context;
    private readonly AvFrameHandle _frame;
    private readonly AvPacketHandle _packet;

    public long Refused { get; private set; }
    public string? LastRefusal { get; private set; }

    private AacDecoder(AvCodecContextHandle context, AvFrameHandle frame, AvPacketHandle packet)
    {
        _context = context;
        _frame = frame;
        _packet = packet;
    }

    public static AacDecoder? TryCreate(ReadOnlySpan<byte> audioSpecificConfig, out string? reason)
    {
        if (audioSpecificConfig.Length is < 2 or > 64) { reason = $"AudioSpecificConfig of {audioSpecificConfig.Length} bytes"; return null; }
        if (!NativeLibraries.TryLoad(NativeLibraries.AvCodec, out reason)) return null;
        FFmpeg.Quiet();
        var codec = FFmpeg.avcodec_find_decoder(AvConstants.CodecIdAac);
        if (codec == IntPtr.Zero) { reason = "aac decoder not in this libavcodec"; return null; }
        var context = AvCodecContextHandle.Allocate(codec);
        var frame = AvFrameHandle.Allocate();
        var packet = AvPacketHandle.Allocate();
        string? why = null;
        if (context.IsInvalid || frame.IsInvalid || packet.IsInvalid) why = "out of memory";
        else if (!AvCodecContextLayout.SetExtradata(context.DangerousGetHandle(), audioSpecificConfig)) why = "out of memory (extradata)";
        else
        {
            var rc = FFmpeg.avcodec_open2(context.DangerousGetHandle(), codec, IntPtr.Zero);
            if (rc < 0) why = $"avcodec_open2 aac decoder: {FFmpeg.ErrorText(rc)}";
        }
        if (why != null)
        {
            reason = why;
            context.Dispose(); frame.Dispose(); packet.Dispose();
            return null;
        }
        return new AacDecoder(context, frame, packet);
    }

    /// <summary>Decodes one raw AAC frame and appends its samples (per channel) to <paramref name="left"/>/<paramref name="right"/>.</summary>
    public unsafe CodecResult Decode(ReadOnlySpan<byte> aacFrame, List<float> left, List<float> right)
    {
        ObjectDisposedException.ThrowIf(_context.IsClosed, this);
        if (aacFrame.IsEmpty) return Refuse("empty AAC frame");
        if (aacFrame.Length > 8192) return Refuse($"AAC frame of {aacFrame.Length} bytes");
        var pkt = _packet.DangerousGetHandle();
        var rc = FFmpeg.av_new_packet(pkt, aacFrame.Length);
        if (rc < 0) return Refuse($"av_new_packet: {FFmpeg.ErrorText(rc)}", rc);
        aacFrame.CopyTo(new Span<byte>(AvPacketLayout.GetData(pkt), aacFrame.Length));
        var ctx = _context.DangerousGetHandle();
        rc = FFmpeg.avcodec_send_packet(ctx, pkt);
        FFmpeg.av_packet_unref(pkt);
        if (rc < 0 && rc != AvConstants.ErrorEAgain) return Refuse($"avcodec_send_packet: {FFmpeg.ErrorText(rc)}", rc);
        var frame = _frame.DangerousGetHandle();
        while (true)
        {
            rc = FFmpeg.avcodec_receive_frame(ctx, frame);
            if (rc == AvConstants.ErrorEAgain || rc == AvConstants.ErrorEof) return CodecResult.Success;
            if (rc < 0) return Refuse($"avcodec_receive_frame: {FFmpeg.ErrorText(rc)}", rc);
            try
            {
                var n = AvFrameLayout.GetInt(frame, AvFrameAudioLayout.NbSamples);
                var format = AvFrameLayout.GetInt(frame, AvFrameLayout.Format);
                var layout = AvFrameAudioLayout.GetChLayout(frame);
                if (format != AvConstants.SampleFmtFltp || layout->NbChannels != 2 || n is < 0 or > 8192)
                    return Refuse($"decoded frame: format {format}, {layout->NbChannels} channels, {n} samples");
                var l = new ReadOnlySpan<float>(AvFrameLayout.GetData(frame, 0), n);
                var r = new ReadOnlySpan<float>(AvFrameLayout.GetData(frame, 1), n);
                foreach (var s in l) left.Add(s);
                foreach (var s in r) right.Add(s);
            }
            finally { FFmpeg.av_frame_unref(frame); }
        }
    }

    private CodecResult Refuse(string reason, int code = 0)
    {
        Refused++;
        LastRefusal = reason;
        return CodecResult.Refused(reason, code);
    }

    public void Dispose()
    {
        _packet.Dispose();
        _frame.Dispose();
        _context.Dispose();
    }
}
