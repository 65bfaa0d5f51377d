using System.Runtime.InteropServices;

namespace CoStream.Mixer.Codecs.Native;

/// <summary>The libopus 1.3 entry points the codec engine calls.</summary>
internal static unsafe partial class Opus
{
    public const int ApplicationVoip = 2048;
    public const int ApplicationAudio = 2049;
    public const int ApplicationRestrictedLowDelay = 2051;
    public const int SetBitrateRequest = 4002;
    public const int Ok = 0;

    [LibraryImport(NativeLibraries.Opus)]
    public static partial IntPtr opus_encoder_create(int sampleRate, int channels, int application, out int error);
    [LibraryImport(NativeLibraries.Opus)]
    public static partial void opus_encoder_destroy(IntPtr encoder);
    [LibraryImport(NativeLibraries.Opus)]
    public static partial int opus_encode(IntPtr encoder, short* pcm, int frameSize, byte* data, int maxDataBytes);
    // Variadic in C (int request, ...); one int argument is passed the same way as a fixed one on LP64 ABIs.
    [LibraryImport(NativeLibraries.Opus)]
    public static partial int opus_encoder_ctl(IntPtr encoder, int request, int value);
    [LibraryImport(NativeLibraries.Opus)]
    public static partial IntPtr opus_decoder_create(int sampleRate, int channels, out int error);
    [LibraryImport(NativeLibraries.Opus)]
    public static partial void opus_decoder_destroy(IntPtr decoder);
    [LibraryImport(NativeLibraries.Opus)]
    public static partial int opus_decode(IntPtr decoder, byte* data, int length, short* pcm, int frameSize, int decodeFec);
    [LibraryImport(NativeLibraries.Opus)]
    public static partial int opus_packet_get_nb_samples(byte* packet, int length, int sampleRate);
    [LibraryImport(NativeLibraries.Opus)]
    public static partial IntPtr opus_strerror(int error);

    public static string ErrorText(int error) => Marshal.PtrToStringUTF8(opus_strerror(error)) ?? $"opus error {error}";
}
