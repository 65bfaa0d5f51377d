using CoStream.Mixer.Codecs.Native;

namespace CoStream.Mixer.Codecs;

/// <summary>Video codecs the decoder accepts; the values are FFmpeg 5.1's AVCodecID.</summary>
public enum VideoCodec
{
    H264 = AvConstants.CodecIdH264,
    Vp8 = AvConstants.CodecIdVp8,
    Hevc = AvConstants.CodecIdHevc,
}
