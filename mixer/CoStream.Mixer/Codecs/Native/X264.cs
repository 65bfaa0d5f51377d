using System.Runtime.InteropServices;

namespace CoStream.Mixer.Codecs.Native;

/// <summary>
/// libx264 build 164 (Debian 12's <c>libx264-164</c>), called directly rather than through libavcodec's wrapper, for one
/// thing the wrapper in FFmpeg 5.1 cannot pass: per-macroblock hints (<c>x264_image_properties_t.mb_info</c>,
/// <c>X264_MBINFO_CONSTANT</c>), which let x264 skip the analysis of macroblocks that did not change since the last
/// frame. Every setting that <c>x264_param_parse</c> knows goes through it by name; the few it does not (size, colour
/// space, time base, mb-info) are written at the offsets below, and <see cref="X264Layout.Verify"/> checks those
/// offsets against the library at run time (values set by name must read back at their offsets) before an encoder
/// is opened. The entry point <c>x264_encoder_open_164</c> only exists in build 164, so a different build cannot be
/// bound by mistake.
/// </summary>
internal static unsafe partial class X264
{
    public const string Library = NativeLibraries.X264;
    public const int Build = 164;

    public const int CspI420 = 0x0002;
    public const int TypeAuto = 0x0000;
    public const int TypeIdr = 0x0001;
    public const int LogError = 0;
    public const byte MbInfoConstant = 1;
    /// <summary>x264_param_parse's answer for an option name it does not know.</summary>
    public const int ParamBadName = -1;

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int x264_param_default_preset(IntPtr param, string? preset, string? tune);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int x264_param_parse(IntPtr param, string name, string value);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int x264_param_apply_profile(IntPtr param, string profile);
    [LibraryImport(Library)]
    public static partial IntPtr x264_encoder_open_164(IntPtr param);
    [LibraryImport(Library)]
    public static partial int x264_encoder_encode(IntPtr encoder, out IntPtr nals, out int nalCount, IntPtr pictureIn, IntPtr pictureOut);
    [LibraryImport(Library)]
    public static partial int x264_encoder_delayed_frames(IntPtr encoder);
    [LibraryImport(Library)]
    public static partial void x264_encoder_close(IntPtr encoder);
    [LibraryImport(Library)]
    public static partial void x264_picture_init(IntPtr picture);
}

/// <summary>
/// Struct sizes and field offsets of x264.h at <c>X264_BUILD 164</c> on x86-64 (taken from the header with
/// <c>offsetof</c> by a one-off C program; <see cref="Verify"/> re-checks the ones x264 can set by name).
/// </summary>
internal static class X264Layout
{
    // x264_param_t (1,024 bytes)
    public const int ParamSize = 1024;
    public const int ParamThreads = 4;
    public const int ParamWidth = 28;
    public const int ParamHeight = 32;
    public const int ParamCsp = 36;
    public const int ParamKeyintMax = 100;
    public const int ParamKeyintMin = 104;
    public const int ParamLogLevel = 528;
    public const int ParamMbInfo = 628;
    public const int ParamMbInfoUpdate = 632;
    public const int ParamPsnr = 644;
    public const int ParamSsim = 648;
    public const int ParamRcMethod = 656;
    public const int ParamBitrate = 676;
    public const int ParamRepeatHeaders = 900;
    public const int ParamAnnexB = 904;
    public const int ParamVfrInput = 912;
    public const int ParamFpsNum = 920;
    public const int ParamFpsDen = 924;
    public const int ParamTimebaseNum = 928;
    public const int ParamTimebaseDen = 932;

    // x264_picture_t (240 bytes)
    public const int PictureSize = 240;
    public const int PictureType = 0;
    public const int PictureKeyframe = 12;
    public const int PicturePts = 16;
    public const int PictureDts = 24;
    public const int PictureCsp = 40;
    public const int PicturePlaneCount = 44;
    public const int PictureStrides = 48;   // int[4]
    public const int PicturePlanes = 64;    // uint8_t*[4]
    public const int PictureMbInfo = 112;

    // x264_nal_t (40 bytes)
    public const int NalSize = 40;
    public const int NalPayloadSize = 20;
    public const int NalPayload = 24;

    /// <summary>
    /// Sets options by name on a scratch parameter block and reads them back at this table's offsets; null when every
    /// one agrees (the layout is the library's), else what disagreed. Covers the struct from its 5th to its 932nd byte,
    /// around each field the table writes without a name.
    /// </summary>
    public static unsafe string? Verify()
    {
        var p = (byte*)NativeMemory.AllocZeroed(ParamSize);
        try
        {
            if (X264.x264_param_default_preset((IntPtr)p, "ultrafast", null) < 0) return "x264_param_default_preset refused ultrafast";
            (string name, string value, int offset, int expected)[] checks =
            [
                ("threads", "3", ParamThreads, 3),
                ("keyint", "123", ParamKeyintMax, 123),
                ("min-keyint", "7", ParamKeyintMin, 7),
                ("log", "-1", ParamLogLevel, -1),
                ("psnr", "1", ParamPsnr, 1),
                ("ssim", "1", ParamSsim, 1),
                ("bitrate", "2345", ParamBitrate, 2345),
                ("bitrate", "2345", ParamRcMethod, 2), // X264_RC_ABR, set by "bitrate"
                ("repeat-headers", "1", ParamRepeatHeaders, 1),
                ("annexb", "1", ParamAnnexB, 1),
                ("force-cfr", "1", ParamVfrInput, 0),
                ("fps", "30000/1001", ParamFpsNum, 30000),
                ("fps", "30000/1001", ParamFpsDen, 1001),
            ];
            foreach (var (name, value, offset, expected) in checks)
            {
                var rc = X264.x264_param_parse((IntPtr)p, name, value);
                if (rc != 0) return $"x264_param_parse({name}={value}) returned {rc}";
                var actual = *(int*)(p + offset);
                if (actual != expected) return $"x264_param_t.{name} reads {actual} at offset {offset}, expected {expected}: not the build-{X264.Build} layout";
            }
            return null;
        }
        finally
        {
            NativeMemory.Free(p);
        }
    }
}
