using System.Runtime.InteropServices;
using CoStream.Mixer.Codecs.Native;

namespace CoStream.Mixer.Tests.Codecs;

/// <summary>
/// Keeps the binding honest against the installed FFmpeg 5.1: every enum value, error code and struct
/// offset the binding hard-codes is checked here through the library itself.
/// </summary>
public class NativeLayoutTests
{
    [Theory]
    [InlineData(AvConstants.PixFmtYuv420P, "yuv420p")]
    [InlineData(AvConstants.PixFmtYuvj420P, "yuvj420p")]
    public void PixelFormatValues_NameTheFormatsTheLibraryKnows(int value, string name) =>
        Assert.Equal(name, Marshal.PtrToStringUTF8(FFmpeg.av_get_pix_fmt_name(value)));

    [Theory]
    [InlineData(AvConstants.CodecIdH264, "h264")]
    [InlineData(AvConstants.CodecIdVp8, "vp8")]
    [InlineData(AvConstants.CodecIdHevc, "hevc")]
    public void CodecIdValues_NameTheCodecsTheLibraryKnows(int value, string name)
    {
        Assert.Equal(name, Marshal.PtrToStringUTF8(FFmpeg.avcodec_get_name(value)));
        Assert.NotEqual(IntPtr.Zero, FFmpeg.avcodec_find_decoder(value));
    }

    [Fact]
    public void ErrorCodes_HaveTheLibrarysText()
    {
        Assert.Contains("Resource temporarily unavailable", FFmpeg.ErrorText(AvConstants.ErrorEAgain));
        Assert.Equal("End of file", FFmpeg.ErrorText(AvConstants.ErrorEof));
        Assert.Equal("Invalid argument", FFmpeg.ErrorText(AvConstants.ErrorEInval));
    }

    [Fact]
    public void AvFrameOffsets_AreTheOnesAvFrameGetBufferReads()
    {
        var frame = FFmpeg.av_frame_alloc();
        try
        {
            // av_frame_get_buffer fails with EINVAL unless width, height and format are where we wrote them.
            AvFrameLayout.SetInt(frame, AvFrameLayout.Width, 322);
            AvFrameLayout.SetInt(frame, AvFrameLayout.Height, 242);
            AvFrameLayout.SetInt(frame, AvFrameLayout.Format, AvConstants.PixFmtYuv420P);
            Assert.Equal(0, FFmpeg.av_frame_get_buffer(frame, 0));
            unsafe
            {
                for (int plane = 0; plane < 3; plane++)
                    Assert.True(AvFrameLayout.GetData(frame, plane) != null, $"plane {plane} allocated");
                Assert.True(AvFrameLayout.GetData(frame, 3) == null, "no fourth plane for yuv420p");
            }
            Assert.InRange(AvFrameLayout.GetLinesize(frame, 0), 322, 322 + 64);
            Assert.InRange(AvFrameLayout.GetLinesize(frame, 1), 161, 161 + 64);
            Assert.Equal(0, AvFrameLayout.GetLinesize(frame, 3));
        }
        finally { FFmpeg.av_frame_free(ref frame); }
    }

    [Fact]
    public void AvPacketOffsets_AreTheOnesAvNewPacketWrites()
    {
        var packet = FFmpeg.av_packet_alloc();
        try
        {
            Assert.Equal(0, FFmpeg.av_new_packet(packet, 1234));
            Assert.Equal(1234, AvPacketLayout.GetInt(packet, AvPacketLayout.Size));
            unsafe { Assert.True(AvPacketLayout.GetData(packet) != null); }
            // av_new_packet leaves pts/dts = AV_NOPTS_VALUE (INT64_MIN) and flags = 0.
            Assert.Equal(long.MinValue, AvPacketLayout.GetLong(packet, AvPacketLayout.Pts));
            Assert.Equal(long.MinValue, AvPacketLayout.GetLong(packet, AvPacketLayout.Dts));
            Assert.Equal(0, AvPacketLayout.GetInt(packet, AvPacketLayout.Flags));
        }
        finally { FFmpeg.av_packet_free(ref packet); }
    }
}
