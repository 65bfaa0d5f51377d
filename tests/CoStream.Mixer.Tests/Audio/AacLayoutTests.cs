using System.Runtime.InteropServices;
using CoStream.Mixer.Audio;
using CoStream.Mixer.Codecs.Native;

namespace CoStream.Mixer.Tests.Audio;

/// <summary>
/// Keeps the audio additions to the binding honest against the installed FFmpeg 5.1: AVChannelLayout,
/// AVFrame.ch_layout / nb_samples, and the AVCodecContext head (bit_rate, codec_id, extradata).
/// </summary>
public unsafe class AacLayoutTests
{
    [Fact]
    public void SampleFormatAndCodecId_NameWhatTheLibraryKnows()
    {
        Assert.Equal("fltp", Marshal.PtrToStringUTF8(FFmpeg.av_get_sample_fmt_name(AvConstants.SampleFmtFltp)));
        Assert.Equal("aac", Marshal.PtrToStringUTF8(FFmpeg.avcodec_get_name(AvConstants.CodecIdAac)));
    }

    [Fact]
    public void AvChannelLayout_DefaultStereo_IsNativeFrontLeftRight()
    {
        AvChannelLayout layout = default;
        FFmpeg.av_channel_layout_default(&layout, 2);
        Assert.Equal(AvChannelLayout.OrderNative, layout.Order);
        Assert.Equal(2, layout.NbChannels);
        Assert.Equal(AvChannelLayout.MaskStereo, layout.Mask);
        Assert.Equal(24, sizeof(AvChannelLayout));
    }

    [Fact]
    public void AvFrameChLayout_IsWhereAvFrameGetBufferReadsIt()
    {
        var frame = FFmpeg.av_frame_alloc();
        try
        {
            AvFrameLayout.SetInt(frame, AvFrameAudioLayout.NbSamples, 1024);
            AvFrameLayout.SetInt(frame, AvFrameLayout.Format, AvConstants.SampleFmtFltp);
            // Without a channel count at ch_layout (or the deprecated fields) av_frame_get_buffer refuses with EINVAL.
            Assert.Equal(AvConstants.ErrorEInval, FFmpeg.av_frame_get_buffer(frame, 0));
            FFmpeg.av_channel_layout_default(AvFrameAudioLayout.GetChLayout(frame), 2);
            Assert.Equal(0, FFmpeg.av_frame_get_buffer(frame, 0));
            Assert.True(AvFrameLayout.GetData(frame, 0) != null && AvFrameLayout.GetData(frame, 1) != null, "two planes");
            Assert.True(AvFrameLayout.GetData(frame, 2) == null, "no third plane for stereo FLTP");
            Assert.True(AvFrameLayout.GetLinesize(frame, 0) >= 1024 * sizeof(float));
        }
        finally { FFmpeg.av_frame_free(ref frame); }
    }

    [Fact]
    public void AvCodecContextHead_BitRateCodecIdAndExtradata_MatchTheLibrary()
    {
        using var encoder = AacEncoder.TryCreate(96_000, out var reason);
        Assert.True(encoder != null, reason);
        // AudioSpecificConfig by hand (ISO/IEC 14496-3 §1.6.2.1): objectType 2 (LC, 5 bits) ·
        // samplingFrequencyIndex 3 (48 kHz, 4 bits) · channelConfiguration 2 (4 bits) · GASpecificConfig 3 zero bits,
        // then FFmpeg's explicit "no SBR" signal (§1.6.5.2): syncExtensionType 0x2B7 (11 bits) ·
        // extensionAudioObjectType 5 (5 bits) · sbrPresentFlag 0 (1 bit) · 7 padding bits.
        Assert.Equal(new byte[] { 0b0001_0001, 0b1001_0000, 0b0101_0110, 0b1110_0101, 0b0000_0000 }, encoder!.AudioSpecificConfig);
        Assert.Equal(1024, encoder.FrameSize);

        var codec = FFmpeg.avcodec_find_encoder_by_name("aac");
        var ctx = FFmpeg.avcodec_alloc_context3(codec);
        try
        {
            Assert.Equal(0, FFmpeg.av_opt_set_int(ctx, "b", 123_456, 0));
            Assert.Equal(123_456, AvCodecContextLayout.GetLong(ctx, AvCodecContextLayout.BitRate));
            Assert.Equal(AvConstants.CodecIdAac, AvCodecContextLayout.GetInt(ctx, AvCodecContextLayout.CodecId));
            // sample_fmt (no AVOption) sits between "ac" and "frame_size", after "ar".
            Assert.Equal(0, FFmpeg.av_opt_set_int(ctx, "ar", 44_100, 0));
            Assert.Equal(0, FFmpeg.av_opt_set_int(ctx, "ac", 5, 0));
            Assert.Equal(0, FFmpeg.av_opt_set_int(ctx, "frame_size", 777, 0));
            Assert.Equal(44_100, AvCodecContextLayout.GetInt(ctx, AvCodecContextLayout.SampleRate));
            Assert.Equal(5, AvCodecContextLayout.GetInt(ctx, AvCodecContextLayout.Channels));
            Assert.Equal(777, AvCodecContextLayout.GetInt(ctx, AvCodecContextLayout.FrameSize));
            Assert.Equal(-1, AvCodecContextLayout.GetInt(ctx, AvCodecContextLayout.SampleFmt)); // AV_SAMPLE_FMT_NONE by default
            Assert.Equal(0, FFmpeg.av_opt_set(ctx, "ch_layout", "stereo", 0));
            AvChannelLayout read = default;
            Assert.Equal(0, FFmpeg.av_opt_get_chlayout(ctx, "ch_layout", 0, &read));
            Assert.Equal(2, read.NbChannels);
            Assert.Equal(AvChannelLayout.MaskStereo, read.Mask);
        }
        finally { FFmpeg.avcodec_free_context(ref ctx); }
    }

    [Fact]
    public void DecodedAacFrame_CarriesStereoAtTheChLayoutOffset()
    {
        using var encoder = AacEncoder.TryCreate(128_000, out var reason);
        Assert.True(encoder != null, reason);
        using var decoder = AacDecoder.TryCreate(encoder!.AudioSpecificConfig, out reason);
        Assert.True(decoder != null, reason);
        var left = new float[1024];
        var right = new float[1024];
        var buffer = new byte[AacEncoder.MaxFrameBytes];
        var l = new List<float>();
        var r = new List<float>();
        for (int i = 0; i < 4; i++)
        {
            Assert.True(encoder.Encode(left, right, i * 1024L, buffer, out var written, out _).Ok);
            if (written > 0) Assert.True(decoder!.Decode(buffer.AsSpan(0, written), l, r).Ok, decoder.LastRefusal);
        }
        // AacDecoder checks the decoded frame's ch_layout is {2 channels} before reading samples.
        Assert.True(l.Count >= 1024);
        Assert.Equal(l.Count, r.Count);
        Assert.Equal(0, decoder!.Refused);
    }
}
