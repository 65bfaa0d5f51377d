using Microsoft.Win32.SafeHandles;

namespace CoStream.Mixer.Codecs.Native;

/// <summary>An <c>AVCodecContext*</c>, freed with avcodec_free_context.</summary>
internal sealed class AvCodecContextHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    public static AvCodecContextHandle Allocate(IntPtr codec)
    {
        var h = new AvCodecContextHandle();
        h.SetHandle(FFmpeg.avcodec_alloc_context3(codec));
        return h;
    }

    protected override bool ReleaseHandle()
    {
        var p = handle;
        FFmpeg.avcodec_free_context(ref p);
        return true;
    }
}

/// <summary>An <c>AVFrame*</c>, freed with av_frame_free.</summary>
internal sealed class AvFrameHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    public static AvFrameHandle Allocate()
    {
        var h = new AvFrameHandle();
        h.SetHandle(FFmpeg.av_frame_alloc());
        return h;
    }

    protected override bool ReleaseHandle()
    {
        var p = handle;
        FFmpeg.av_frame_free(ref p);
        return true;
    }
}

/// <summary>An <c>AVPacket*</c>, freed with av_packet_free.</summary>
internal sealed class AvPacketHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    public static AvPacketHandle Allocate()
    {
        var h = new AvPacketHandle();
        h.SetHandle(FFmpeg.av_packet_alloc());
        return h;
    }

    protected override bool ReleaseHandle()
    {
        var p = handle;
        FFmpeg.av_packet_free(ref p);
        return true;
    }
}

/// <summary>A <c>SwsContext*</c> (sws_getCachedContext may replace it), freed with sws_freeContext.</summary>
internal sealed class SwsContextHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    public IntPtr Current => handle;
    public void Replace(IntPtr context) => SetHandle(context);

    protected override bool ReleaseHandle()
    {
        FFmpeg.sws_freeContext(handle);
        return true;
    }
}

/// <summary>An <c>OpusEncoder*</c>.</summary>
internal sealed class OpusEncoderHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    public static OpusEncoderHandle Create(int sampleRate, int channels, int application, out int error)
    {
        var h = new OpusEncoderHandle();
        h.SetHandle(Opus.opus_encoder_create(sampleRate, channels, application, out error));
        return h;
    }

    protected override bool ReleaseHandle()
    {
        Opus.opus_encoder_destroy(handle);
        return true;
    }
}

/// <summary>An <c>OpusDecoder*</c>.</summary>
internal sealed class OpusDecoderHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    public static OpusDecoderHandle Create(int sampleRate, int channels, out int error)
    {
        var h = new OpusDecoderHandle();
        h.SetHandle(Opus.opus_decoder_create(sampleRate, channels, out error));
        return h;
    }

    protected override bool ReleaseHandle()
    {
        Opus.opus_decoder_destroy(handle);
        return true;
    }
}
