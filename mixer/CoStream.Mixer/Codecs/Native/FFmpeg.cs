using System.Runtime.InteropServices;

namespace CoStream.Mixer.Codecs.Native;

/// <summary>The FFmpeg 5.1 entry points the codec engine calls — nothing more.</summary>
internal static unsafe partial class FFmpeg
{
    // libavcodec 59
    [LibraryImport(NativeLibraries.AvCodec, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr avcodec_find_encoder_by_name(string name);
    [LibraryImport(NativeLibraries.AvCodec)]
    public static partial IntPtr avcodec_find_decoder(int id);
    [LibraryImport(NativeLibraries.AvCodec)]
    public static partial IntPtr avcodec_get_name(int id);
    [LibraryImport(NativeLibraries.AvCodec)]
    public static partial IntPtr avcodec_alloc_context3(IntPtr codec);
    [LibraryImport(NativeLibraries.AvCodec)]
    public static partial void avcodec_free_context(ref IntPtr context);
    [LibraryImport(NativeLibraries.AvCodec)]
    public static partial int avcodec_open2(IntPtr context, IntPtr codec, IntPtr options);
    [LibraryImport(NativeLibraries.AvCodec)]
    public static partial int avcodec_send_frame(IntPtr context, IntPtr frame);
    [LibraryImport(NativeLibraries.AvCodec)]
    public static partial int avcodec_receive_packet(IntPtr context, IntPtr packet);
    [LibraryImport(NativeLibraries.AvCodec)]
    public static partial int avcodec_send_packet(IntPtr context, IntPtr packet);
    [LibraryImport(NativeLibraries.AvCodec)]
    public static partial int avcodec_receive_frame(IntPtr context, IntPtr frame);
    [LibraryImport(NativeLibraries.AvCodec)]
    public static partial void avcodec_flush_buffers(IntPtr context);
    [LibraryImport(NativeLibraries.AvCodec)]
    public static partial IntPtr av_packet_alloc();
    [LibraryImport(NativeLibraries.AvCodec)]
    public static partial void av_packet_free(ref IntPtr packet);
    [LibraryImport(NativeLibraries.AvCodec)]
    public static partial void av_packet_unref(IntPtr packet);
    [LibraryImport(NativeLibraries.AvCodec)]
    public static partial int av_new_packet(IntPtr packet, int size);

    // libavutil 57
    [LibraryImport(NativeLibraries.AvUtil)]
    public static partial IntPtr av_frame_alloc();
    [LibraryImport(NativeLibraries.AvUtil)]
    public static partial void av_frame_free(ref IntPtr frame);
    [LibraryImport(NativeLibraries.AvUtil)]
    public static partial void av_frame_unref(IntPtr frame);
    [LibraryImport(NativeLibraries.AvUtil)]
    public static partial void av_frame_move_ref(IntPtr destination, IntPtr source);
    [LibraryImport(NativeLibraries.AvUtil)]
    public static partial int av_frame_ref(IntPtr destination, IntPtr source);
    [LibraryImport(NativeLibraries.AvUtil)]
    public static partial int av_frame_get_buffer(IntPtr frame, int align);
    [LibraryImport(NativeLibraries.AvUtil)]
    public static partial int av_frame_make_writable(IntPtr frame);
    [LibraryImport(NativeLibraries.AvUtil, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_opt_set(IntPtr obj, string name, string value, int searchFlags);
    [LibraryImport(NativeLibraries.AvUtil, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_opt_set_int(IntPtr obj, string name, long value, int searchFlags);
    [LibraryImport(NativeLibraries.AvUtil, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_opt_set_q(IntPtr obj, string name, AvRational value, int searchFlags);
    [LibraryImport(NativeLibraries.AvUtil, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_opt_set_image_size(IntPtr obj, string name, int width, int height, int searchFlags);
    [LibraryImport(NativeLibraries.AvUtil, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_opt_set_pixel_fmt(IntPtr obj, string name, int format, int searchFlags);
    [LibraryImport(NativeLibraries.AvUtil, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_opt_get_int(IntPtr obj, string name, int searchFlags, out long value);
    [LibraryImport(NativeLibraries.AvUtil)]
    public static partial int av_strerror(int error, byte* buffer, nuint size);
    [LibraryImport(NativeLibraries.AvUtil)]
    public static partial IntPtr av_get_pix_fmt_name(int format);
    [LibraryImport(NativeLibraries.AvUtil)]
    public static partial void av_log_set_level(int level);

    // libswscale 6
    [LibraryImport(NativeLibraries.SwScale)]
    public static partial IntPtr sws_getCachedContext(IntPtr context, int srcW, int srcH, int srcFormat,
        int dstW, int dstH, int dstFormat, int flags, IntPtr srcFilter, IntPtr dstFilter, IntPtr param);
    [LibraryImport(NativeLibraries.SwScale)]
    public static partial int sws_scale(IntPtr context, byte** srcSlice, int* srcStride, int srcSliceY, int srcSliceH,
        byte** dst, int* dstStride);
    [LibraryImport(NativeLibraries.SwScale)]
    public static partial void sws_freeContext(IntPtr context);

    /// <summary>
    /// Silences libav*'s own logging (AV_LOG_QUIET): refusals reach callers as <see cref="CodecResult"/>
    /// reasons and counters, not as stderr lines from a hostile stream.
    /// </summary>
    public static void Quiet() => av_log_set_level(-8);

    /// <summary>The text FFmpeg gives for an error code (av_strerror), e.g. "Invalid data found when processing input".</summary>
    public static string ErrorText(int error)
    {
        byte* buffer = stackalloc byte[128];
        if (av_strerror(error, buffer, 128) < 0) return $"FFmpeg error {error}";
        return Marshal.PtrToStringUTF8((IntPtr)buffer) ?? $"FFmpeg error {error}";
    }
}

[StructLayout(LayoutKind.Sequential)]
internal readonly struct AvRational(int num, int den)
{
    public readonly int Num = num;
    public readonly int Den = den;
}
