using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CoStream.Mixer.Codecs.Native;

/// <summary>
/// Maps the short library names used by the <c>DllImport</c>s of this assembly to the sonames Debian 12
/// ships (FFmpeg 5.1, libopus 1.3, libx264 build 164), so only the runtime packages are needed — no <c>-dev</c> symlinks.
/// The major version is part of the soname on purpose: the struct offsets in <see cref="AvFrameLayout"/>
/// and <see cref="AvPacketLayout"/> are those of libavutil 57 / libavcodec 59 and nothing else.
/// </summary>
internal static class NativeLibraries
{
    public const string AvCodec = "avcodec";
    public const string AvUtil = "avutil";
    public const string SwScale = "swscale";
    public const string Opus = "opus";
    public const string X264 = "x264";

    private static readonly Dictionary<string, string> Sonames = new()
    {
        [AvCodec] = "libavcodec.so.59",
        [AvUtil] = "libavutil.so.57",
        [SwScale] = "libswscale.so.6",
        [Opus] = "libopus.so.0",
        [X264] = "libx264.so.164",
    };

    [ModuleInitializer]
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        Sonames.TryGetValue(name, out var soname) && NativeLibrary.TryLoad(soname, out var handle)
            ? handle
            : IntPtr.Zero;

    /// <summary>Whether a library can be loaded, with the reason when not (for a clear refusal instead of a DllNotFoundException).</summary>
    public static bool TryLoad(string name, out string? reason)
    {
        var soname = Sonames[name];
        if (NativeLibrary.TryLoad(soname, out _)) { reason = null; return true; }
        reason = $"{soname} not found (Debian: apt-get install {(name switch { Opus => "libopus0", X264 => "libx264-164", _ => "ffmpeg" })})";
        return false;
    }
}
