namespace CoStream.Mixer.Codecs.Native;

/// <summary>
/// Enum values and macros of FFmpeg 5.1 that the binding uses. Each is checked against the installed
/// library by name in the tests (av_get_pix_fmt_name, avcodec_get_name, av_strerror).
/// </summary>
internal static class AvConstants
{
    // enum AVPixelFormat (libavutil/pixfmt.h)
    public const int PixFmtYuv420P = 0;
    public const int PixFmtYuvj420P = 12;

    // enum AVCodecID (libavcodec/codec_id.h)
    public const int CodecIdH264 = 27;
    public const int CodecIdVp8 = 139;
    public const int CodecIdHevc = 173;
    public const int CodecIdAac = 0x15002;

    // enum AVSampleFormat (libavutil/samplefmt.h)
    public const int SampleFmtFltp = 8;

    // enum AVPictureType (libavutil/avutil.h)
    public const int PictureTypeNone = 0;
    public const int PictureTypeI = 1;

    // AVERROR(EAGAIN) and AVERROR_EOF = FFERRTAG('E','O','F',' ')
    public const int ErrorEAgain = -11;
    public const int ErrorEof = -('E' | ('O' << 8) | ('F' << 16) | (' ' << 24));
    public const int ErrorEInval = -22;
    public const int ErrorENoMem = -12;

    // av_opt_set* search flags (libavutil/opt.h)
    public const int OptSearchChildren = 1;

    // AV_PKT_FLAG_KEY (libavcodec/packet.h)
    public const int PacketFlagKey = 1;

    // AV_INPUT_BUFFER_PADDING_SIZE (libavcodec/defs.h)
    public const int InputBufferPaddingSize = 64;

    // SWS_BILINEAR (libswscale/swscale.h)
    public const int SwsBilinear = 2;
}
