namespace CoStream.Sfu.Protocols.Codecs;

/// <summary>
/// One NAL unit (or FU-A fragment of one) found in an H.264 RTP payload. For a fragment,
/// <see cref="Type"/> and <see cref="Header"/> are those of the fragmented NAL unit (from the FU
/// header and indicator) and <see cref="Offset"/>/<see cref="Length"/> cover the fragment data.
/// </summary>
public readonly struct H264NalUnit
{
    public H264NalUnit(byte header, int offset, int length, bool isFragment, bool isFragmentStart, bool isFragmentEnd)
    {
        Header = header;
        Offset = offset;
        Length = length;
        IsFragment = isFragment;
        IsFragmentStart = isFragmentStart;
        IsFragmentEnd = isFragmentEnd;
    }

    /// <summary>The NAL unit header byte |F|NRI|Type| (rebuilt for fragments).</summary>
    public byte Header { get; }

    public H264NalUnitType Type => (H264NalUnitType)(Header & H264Payload.NalTypeMask);

    public int NalRefIdc => (Header >> 5) & 0x3;

    /// <summary>Offset in the RTP payload of the NAL unit (its header byte included) or of the fragment data.</summary>
    public int Offset { get; }

    public int Length { get; }

    public bool IsFragment { get; }

    public bool IsFragmentStart { get; }

    public bool IsFragmentEnd { get; }

    /// <summary>True when this unit holds the beginning of its NAL unit (whole NAL or first fragment).</summary>
    public bool IsStart => !IsFragment || IsFragmentStart;
}

/// <summary>NAL unit types (H.264 Table 7-1) and RFC 6184 §5.2 packetization types.</summary>
public enum H264NalUnitType : byte
{
    Undefined = 0,
    Slice = 1,
    SliceDataPartitionA = 2,
    SliceDataPartitionB = 3,
    SliceDataPartitionC = 4,
    IdrSlice = 5,
    Sei = 6,
    Sps = 7,
    Pps = 8,
    AccessUnitDelimiter = 9,
    EndOfSequence = 10,
    EndOfStream = 11,
    FillerData = 12,
    StapA = 24,
    StapB = 25,
    Mtap16 = 26,
    Mtap24 = 27,
    FuA = 28,
    FuB = 29,
}
