namespace CoStream.Mixer.Flv;

/// <summary>Video codecs the FLV output carries: AVC as legacy FLV (CodecID 7), HEVC as enhanced RTMP (FourCC hvc1).</summary>
public enum FlvVideoCodec
{
    Avc,
    Hevc,
}

/// <summary>Enhanced RTMP VideoPacketType (veovera enhanced-rtmp v1, ExVideoTagHeader).</summary>
public enum ExVideoPacketType : byte
{
    SequenceStart = 0,
    CodedFrames = 1,
    SequenceEnd = 2,
    CodedFramesX = 3,
    Metadata = 4,
}

/// <summary>What a video tag's header says, as read back.</summary>
public readonly record struct FlvVideoTagInfo(
    FlvVideoCodec Codec, bool Keyframe, bool SequenceHeader, int CompositionTime, int HeaderSize);

/// <summary>Why a video/audio tag body was refused.</summary>
public enum FlvBodyError
{
    None = 0,
    Truncated,
    UnsupportedCodec,
    UnsupportedPacketType,
}

/// <summary>
/// The headers in front of FLV audio/video tag bodies (FLV v10.1 Annex E.4.2–E.4.3; enhanced RTMP v1):
/// <code>
///  AVC:  FrameType UB4 | CodecID UB4 = 7 | AVCPacketType UI8 (0 = sequence header, 1 = NALUs) | CompositionTime SI24
///  HEVC: IsExHeader UB1 = 1 | FrameType UB3 | PacketType UB4 | FourCC 'hvc1' | [CompositionTime SI24 if CodedFrames]
///  AAC:  SoundFormat UB4 = 10 | SoundRate UB2 = 3 | SoundSize UB1 = 1 | SoundType UB1 = 1 | AACPacketType UI8
/// </code>
/// For AAC the spec fixes rate = 3 (44 kHz) and type = 1 (stereo) whatever the real sample rate and
/// channels; decoders read those from the AudioSpecificConfig.
/// </summary>
public static class FlvTagBodies
{
    public const byte FrameTypeKey = 1, FrameTypeInter = 2;
    public const byte CodecIdAvc = 7;
    public const byte SoundFormatAac = 10;
    /// <summary>0xAF: AAC, "44 kHz", 16-bit, stereo — the only flags the spec allows for AAC.</summary>
    public const byte AacSoundByte = (SoundFormatAac << 4) | (3 << 2) | (1 << 1) | 1;
    public const byte AacSequenceHeader = 0, AacRaw = 1;
    public const int AvcHeaderSize = 5, HevcHeaderSize = 8, HevcHeaderSizeNoCts = 5, AacHeaderSize = 2;
    /// <summary>'hvc1' as a big-endian number: enhanced RTMP's onMetaData videocodecid for HEVC.</summary>
    public const uint FourCcHvc1 = ('h' << 24) | ('v' << 16) | ('c' << 8) | '1';

    /// <summary>Header in front of a sequence header (config record); returns its size.</summary>
    public static int WriteVideoSequenceHeader(Span<byte> dest, FlvVideoCodec codec)
        => codec == FlvVideoCodec.Avc
            ? WriteAvc(dest, FrameTypeKey, 0, 0)
            : WriteHevc(dest, FrameTypeKey, ExVideoPacketType.SequenceStart);

    /// <summary>Header in front of a coded frame; HEVC uses CodedFramesX when the composition time is 0.</summary>
    public static int WriteVideoFrameHeader(Span<byte> dest, FlvVideoCodec codec, bool keyframe, int compositionTime)
    {
        var frameType = keyframe ? FrameTypeKey : FrameTypeInter;
        if (codec == FlvVideoCodec.Avc) return WriteAvc(dest, frameType, 1, compositionTime);
        if (compositionTime == 0) return WriteHevc(dest, frameType, ExVideoPacketType.CodedFramesX);
        var n = WriteHevc(dest, frameType, ExVideoPacketType.CodedFrames);
        WriteSi24(dest[n..], compositionTime);
        return n + 3;
    }

    public static int GetVideoFrameHeaderSize(FlvVideoCodec codec, int compositionTime)
        => codec == FlvVideoCodec.Avc ? AvcHeaderSize : compositionTime == 0 ? HevcHeaderSizeNoCts : HevcHeaderSize;

    private static int WriteAvc(Span<byte> dest, byte frameType, byte packetType, int cts)
    {
        dest[0] = (byte)((frameType << 4) | CodecIdAvc);
        dest[1] = packetType;
        WriteSi24(dest[2..], cts);
        return AvcHeaderSize;
    }

    private static int WriteHevc(Span<byte> dest, byte frameType, ExVideoPacketType packetType)
    {
        dest[0] = (byte)(0x80 | (frameType << 4) | (byte)packetType);
        dest[1] = (byte)'h'; dest[2] = (byte)'v'; dest[3] = (byte)'c'; dest[4] = (byte)'1';
        return HevcHeaderSizeNoCts;
    }

    private static void WriteSi24(Span<byte> d, int v)
    {
        v = Math.Clamp(v, -0x800000, 0x7FFFFF);
        d[0] = (byte)(v >> 16); d[1] = (byte)(v >> 8); d[2] = (byte)v;
    }

    public static int WriteAacHeader(Span<byte> dest, bool sequenceHeader)
    {
        dest[0] = AacSoundByte;
        dest[1] = sequenceHeader ? AacSequenceHeader : AacRaw;
        return AacHeaderSize;
    }

    /// <summary>Reads the header of a video tag body (AVC legacy or enhanced-RTMP HEVC).</summary>
    public static FlvBodyError TryReadVideo(ReadOnlySpan<byte> body, out FlvVideoTagInfo info)
    {
        info = default;
        if (body.Length < 1) return FlvBodyError.Truncated;
        var b0 = body[0];
        if ((b0 & 0x80) == 0)
        {
            if ((b0 & 0x0F) != CodecIdAvc) return FlvBodyError.UnsupportedCodec;
            if (body.Length < AvcHeaderSize) return FlvBodyError.Truncated;
            if (body[1] > 1) return FlvBodyError.UnsupportedPacketType;
            info = new FlvVideoTagInfo(FlvVideoCodec.Avc, (b0 >> 4) == FrameTypeKey, body[1] == 0, ReadSi24(body[2..]), AvcHeaderSize);
            return FlvBodyError.None;
        }
        if (body.Length < HevcHeaderSizeNoCts) return FlvBodyError.Truncated;
        if (body[1] != 'h' || body[2] != 'v' || body[3] != 'c' || body[4] != '1') return FlvBodyError.UnsupportedCodec;
        var keyframe = ((b0 >> 4) & 0x07) == FrameTypeKey;
        switch ((ExVideoPacketType)(b0 & 0x0F))
        {
            case ExVideoPacketType.SequenceStart:
                info = new FlvVideoTagInfo(FlvVideoCodec.Hevc, keyframe, true, 0, HevcHeaderSizeNoCts);
                return FlvBodyError.None;
            case ExVideoPacketType.CodedFramesX:
                info = new FlvVideoTagInfo(FlvVideoCodec.Hevc, keyframe, false, 0, HevcHeaderSizeNoCts);
                return FlvBodyError.None;
            case ExVideoPacketType.CodedFrames:
                if (body.Length < HevcHeaderSize) return FlvBodyError.Truncated;
                info = new FlvVideoTagInfo(FlvVideoCodec.Hevc, keyframe, false, ReadSi24(body[5..]), HevcHeaderSize);
                return FlvBodyError.None;
            default:
                return FlvBodyError.UnsupportedPacketType;
        }
    }

    private static int ReadSi24(ReadOnlySpan<byte> d) => ((d[0] << 24) | (d[1] << 16) | (d[2] << 8)) >> 8;
}
