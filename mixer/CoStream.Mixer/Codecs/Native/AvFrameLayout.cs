namespace CoStream.Mixer.Codecs.Native;

/// <summary>
/// Offsets of the leading fields of <c>AVFrame</c> in libavutil 57 (FFmpeg 5.x), x86-64 / arm64 LP64.
/// Only this stable head of the struct is read or written; everything after <c>pts</c> is left alone.
/// <code>
///   0  uint8_t *data[8]                      64 bytes
///  64  int linesize[8]                       32 bytes
///  96  uint8_t **extended_data                8
/// 104  int width                              4
/// 108  int height                             4
/// 112  int nb_samples                         4
/// 116  int format                             4   (enum AVPixelFormat for video)
/// 120  int key_frame                          4
/// 124  enum AVPictureType pict_type           4
/// 128  AVRational sample_aspect_ratio         8
/// 136  int64_t pts                            8
/// </code>
/// Kept honest by the tests: a frame given width/height/format through these offsets must be accepted
/// by av_frame_get_buffer (which reads them), and a decoded frame must report the encoded size.
/// </summary>
internal static unsafe class AvFrameLayout
{
    public const int Data = 0;
    public const int Linesize = 64;
    public const int Width = 104;
    public const int Height = 108;
    public const int Format = 116;
    public const int KeyFrame = 120;
    public const int PictType = 124;
    public const int Pts = 136;

    public static byte* GetData(IntPtr frame, int plane) => ((byte**)((byte*)frame + Data))[plane];
    public static int GetLinesize(IntPtr frame, int plane) => ((int*)((byte*)frame + Linesize))[plane];
    public static int GetInt(IntPtr frame, int offset) => *(int*)((byte*)frame + offset);
    public static void SetInt(IntPtr frame, int offset, int value) => *(int*)((byte*)frame + offset) = value;
    public static long GetPts(IntPtr frame) => *(long*)((byte*)frame + Pts);
    public static void SetPts(IntPtr frame, long value) => *(long*)((byte*)frame + Pts) = value;
}

/// <summary>
/// Offsets of the leading fields of <c>AVPacket</c> in libavcodec 59 (FFmpeg 5.x), LP64.
/// <code>
///   0  AVBufferRef *buf                       8
///   8  int64_t pts                            8
///  16  int64_t dts                            8
///  24  uint8_t *data                          8
///  32  int size                               4
///  36  int stream_index                       4
///  40  int flags                              4
/// </code>
/// Kept honest by the tests: av_new_packet(n) must leave size == n and a non-null data pointer here,
/// and every encoded packet's size must match the Annex-B parse of its bytes.
/// </summary>
internal static unsafe class AvPacketLayout
{
    public const int Pts = 8;
    public const int Dts = 16;
    public const int Data = 24;
    public const int Size = 32;
    public const int Flags = 40;

    public static long GetLong(IntPtr packet, int offset) => *(long*)((byte*)packet + offset);
    public static void SetLong(IntPtr packet, int offset, long value) => *(long*)((byte*)packet + offset) = value;
    public static int GetInt(IntPtr packet, int offset) => *(int*)((byte*)packet + offset);
    public static byte* GetData(IntPtr packet) => *(byte**)((byte*)packet + Data);
}
