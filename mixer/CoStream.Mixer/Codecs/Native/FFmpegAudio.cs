namespace CoStream.Mixer.Codecs.Native;

/// <summary>The FFmpeg 5.1 entry points the AAC encoder/decoder add (channel layouts, sample formats, av_malloc).</summary>
internal static unsafe partial class FFmpeg
{
    // libavcodec 59
    [System.Runtime.InteropServices.LibraryImport(NativeLibraries.AvCodec)]
    public static partial IntPtr avcodec_find_encoder(int id);

    // libavutil 57
    [System.Runtime.InteropServices.LibraryImport(NativeLibraries.AvUtil, StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    public static partial int av_opt_get_chlayout(IntPtr obj, string name, int searchFlags, AvChannelLayout* layout);
    [System.Runtime.InteropServices.LibraryImport(NativeLibraries.AvUtil)]
    public static partial void av_channel_layout_default(AvChannelLayout* layout, int channels);
    [System.Runtime.InteropServices.LibraryImport(NativeLibraries.AvUtil)]
    public static partial void av_channel_layout_uninit(AvChannelLayout* layout);
    [System.Runtime.InteropServices.LibraryImport(NativeLibraries.AvUtil)]
    public static partial IntPtr av_get_sample_fmt_name(int format);
    [System.Runtime.InteropServices.LibraryImport(NativeLibraries.AvUtil)]
    public static partial IntPtr av_mallocz(nuint size);
}

/// <summary>
/// <c>AVChannelLayout</c> of libavutil 57.24+ (FFmpeg 5.1):
/// <code>
///  0  enum AVChannelOrder order   4
///  4  int nb_channels             4
///  8  union { uint64_t mask; AVChannelCustom *map; } u   8
/// 16  void *opaque                8      (24 bytes)
/// </code>
/// </summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
internal struct AvChannelLayout
{
    public int Order;
    public int NbChannels;
    public ulong Mask;
    public IntPtr Opaque;

    /// <summary>AV_CHANNEL_ORDER_NATIVE.</summary>
    public const int OrderNative = 1;
    /// <summary>AV_CH_LAYOUT_STEREO = FRONT_LEFT | FRONT_RIGHT.</summary>
    public const ulong MaskStereo = 0x3;
}

/// <summary>
/// Audio fields of <c>AVFrame</c> in libavutil 57 (FFmpeg 5.1), LP64, beyond the head pinned in
/// <see cref="AvFrameLayout"/>: <c>nb_samples</c> at 112 and <c>ch_layout</c>, the last-but-one field
/// FFmpeg 5.1 added (after <c>private_ref</c> at 440):
/// <code>
/// 112  int nb_samples                         4
/// ...  (time_base, opaque, side data, crop_*, private_ref …)
/// 448  AVChannelLayout ch_layout             24
/// </code>
/// Kept honest by the tests: av_frame_get_buffer must allocate exactly two planes for FLTP when the
/// stereo layout is written here (it reads ch_layout.nb_channels), and a frame the aac decoder returns
/// must carry {NATIVE, 2, FL|FR} here.
/// </summary>
internal static unsafe class AvFrameAudioLayout
{
    public const int NbSamples = 112;
    public const int ChLayout = 448;

    public static AvChannelLayout* GetChLayout(IntPtr frame) => (AvChannelLayout*)((byte*)frame + ChLayout);
}

/// <summary>
/// The only <c>AVCodecContext</c> fields read or written by offset (libavcodec 59, LP64); everything
/// else goes through av_opt. The head of the struct has not moved since FFmpeg 4:
/// <code>
///   0  const AVClass *av_class               8
///   8  int log_level_offset                   4
///  12  enum AVMediaType codec_type            4
///  16  const AVCodec *codec                   8
///  24  enum AVCodecID codec_id                4
///  28  unsigned codec_tag                     4
///  32  void *priv_data                        8
///  40  AVCodecInternal *internal              8
///  48  void *opaque                           8
///  56  int64_t bit_rate                       8
///  64  int bit_rate_tolerance, global_quality, compression_level, flags, flags2   20 (+4 padding)
///  88  uint8_t *extradata                     8
///  96  int extradata_size                     4
/// ...  (video fields)
/// 352  int sample_rate                        4   av_opt "ar"
/// 356  int channels (deprecated)              4   av_opt "ac"
/// 360  enum AVSampleFormat sample_fmt         4   (no AVOption: written here)
/// 364  int frame_size                         4   av_opt "frame_size"
/// </code>
/// Kept honest by the tests: bit_rate read here equals av_opt "b", codec_id equals the codec's,
/// sample_fmt's neighbours read here equal what av_opt wrote ("ar", "ac", "frame_size"), and the aac
/// encoder's extradata is the AudioSpecificConfig computed by hand. The encoder also re-checks the
/// "ar" neighbour at run time before writing sample_fmt.
/// </summary>
internal static unsafe class AvCodecContextLayout
{
    public const int CodecId = 24;
    public const int BitRate = 56;
    public const int Extradata = 88;
    public const int ExtradataSize = 96;
    public const int SampleRate = 352;
    public const int Channels = 356;
    public const int SampleFmt = 360;
    public const int FrameSize = 364;

    public static ReadOnlySpan<byte> GetExtradata(IntPtr context)
    {
        var data = *(byte**)((byte*)context + Extradata);
        var size = *(int*)((byte*)context + ExtradataSize);
        return data == null || size <= 0 ? default : new ReadOnlySpan<byte>(data, size);
    }

    /// <summary>Gives the context a copy of <paramref name="bytes"/> in av_mallocz'd memory (freed by avcodec_free_context).</summary>
    public static bool SetExtradata(IntPtr context, ReadOnlySpan<byte> bytes)
    {
        var p = FFmpeg.av_mallocz((nuint)(bytes.Length + AvConstants.InputBufferPaddingSize));
        if (p == IntPtr.Zero) return false;
        bytes.CopyTo(new Span<byte>((void*)p, bytes.Length));
        *(IntPtr*)((byte*)context + Extradata) = p;
        *(int*)((byte*)context + ExtradataSize) = bytes.Length;
        return true;
    }

    public static int GetInt(IntPtr context, int offset) => *(int*)((byte*)context + offset);
    public static void SetInt(IntPtr context, int offset, int value) => *(int*)((byte*)context + offset) = value;
    public static long GetLong(IntPtr context, int offset) => *(long*)((byte*)context + offset);
}
