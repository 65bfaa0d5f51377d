namespace CoStream.Sfu.Protocols.Codecs;

/*
 RFC 6184 §5.3 NAL unit header (first byte of every H.264 RTP payload):

   +---------------+
   |0|1|2|3|4|5|6|7|
   +-+-+-+-+-+-+-+-+
   |F|NRI|  Type   |      Type 1-23: single NAL unit, 24: STAP-A, 28: FU-A
   +---------------+

 §5.7.1 STAP-A:  [STAP-A header][size (16)][NAL unit][size (16)][NAL unit]...

 §5.8 FU-A:
   +---------------+---------------+
   | FU indicator  |   FU header   |    FU indicator = |F|NRI|28|
   |F|NRI|  Type   |S|E|R|  Type   |    FU header    = start, end, reserved, NAL type
   +---------------+---------------+
*/

/// <summary>Keyframe detection and NAL unit enumeration over H.264 RTP payloads (RFC 6184, non-interleaved mode).</summary>
public static class H264Payload
{
    internal const byte ForbiddenBit = 0x80;
    internal const byte NriMask = 0x60;
    internal const byte NalTypeMask = 0x1F;
    internal const byte FuStartBit = 0x80;
    internal const byte FuEndBit = 0x40;

    public const int NalHeaderSize = 1;
    public const int StapSizeFieldSize = 2;
    public const int FuHeaderSize = 2;

    /// <summary>
    /// Enumerates the NAL units of a payload. Drive it with <c>while (e.MoveNext())</c> and read
    /// <see cref="H264NalUnitEnumerator.Error"/> afterwards (<c>foreach</c> works on a copy).
    /// </summary>
    public static H264NalUnitEnumerator EnumerateNalUnits(ReadOnlySpan<byte> payload) => new(payload);

    /// <summary>
    /// True when the payload begins an IDR slice (5) or carries an SPS (7): a single NAL unit of
    /// that type, a STAP-A holding one, or an FU-A start fragment of one. False for malformed input.
    /// </summary>
    public static bool IsKeyFrame(ReadOnlySpan<byte> payload) => TryIsKeyFrame(payload, out bool isKeyFrame) == H264Error.None && isKeyFrame;

    /// <summary>
    /// <see cref="IsKeyFrame"/> with a reason. A keyframe NAL unit found before a malformed part
    /// still counts (the SFU forwards what it can); the error is returned only if none was found.
    /// </summary>
    public static H264Error TryIsKeyFrame(ReadOnlySpan<byte> payload, out bool isKeyFrame)
    {
        var enumerator = new H264NalUnitEnumerator(payload);
        while (enumerator.MoveNext())
        {
            H264NalUnit unit = enumerator.Current;
            if (unit.IsStart && unit.Type is H264NalUnitType.IdrSlice or H264NalUnitType.Sps)
            {
                isKeyFrame = true;
                return H264Error.None;
            }
        }

        isKeyFrame = false;
        return enumerator.Error;
    }
}

/// <summary>
/// Walks the NAL units of one H.264 RTP payload: one for a single NAL unit packet, each
/// aggregation unit of a STAP-A, the fragment of an FU-A. Stops on malformed input with the
/// reason in <see cref="Error"/>. Allocates nothing.
/// </summary>
public ref struct H264NalUnitEnumerator
{
    private readonly ReadOnlySpan<byte> _payload;
    private int _offset;
    private bool _done;
    private bool _inStap;

    internal H264NalUnitEnumerator(ReadOnlySpan<byte> payload)
    {
        _payload = payload;
        _offset = 0;
        _done = false;
        _inStap = false;
        Current = default;
        Error = H264Error.None;
    }

    public H264NalUnit Current { get; private set; }

    public H264Error Error { get; private set; }

    public readonly H264NalUnitEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_done)
        {
            return false;
        }

        if (_inStap)
        {
            return NextAggregationUnit();
        }

        if (_payload.IsEmpty)
        {
            return Stop(H264Error.Empty);
        }

        byte header = _payload[0];
        if ((header & H264Payload.ForbiddenBit) != 0)
        {
            return Stop(H264Error.ForbiddenBit);
        }

        switch ((H264NalUnitType)(header & H264Payload.NalTypeMask))
        {
            case H264NalUnitType.StapA:
                if (_payload.Length == H264Payload.NalHeaderSize)
                {
                    return Stop(H264Error.StapEmpty);
                }

                _inStap = true;
                _offset = H264Payload.NalHeaderSize;
                return NextAggregationUnit();

            case H264NalUnitType.FuA:
                return ReadFragment(header);

            case H264NalUnitType.StapB:
            case H264NalUnitType.Mtap16:
            case H264NalUnitType.Mtap24:
            case H264NalUnitType.FuB:
                return Stop(H264Error.UnsupportedPacketization);

            case H264NalUnitType.Undefined:
            case (H264NalUnitType)30:
            case (H264NalUnitType)31:
                return Stop(H264Error.UndefinedNalType);

            default:
                Current = new H264NalUnit(header, 0, _payload.Length, isFragment: false, isFragmentStart: false, isFragmentEnd: false);
                _done = true;
                return true;
        }
    }

    private bool NextAggregationUnit()
    {
        if (_offset == _payload.Length)
        {
            return Stop(H264Error.None);
        }

        if (_offset + H264Payload.StapSizeFieldSize > _payload.Length)
        {
            return Stop(H264Error.StapTruncatedSize);
        }

        int size = (_payload[_offset] << 8) | _payload[_offset + 1];
        int nalOffset = _offset + H264Payload.StapSizeFieldSize;
        if (size == 0)
        {
            return Stop(H264Error.StapZeroSize);
        }

        if (size > _payload.Length - nalOffset)
        {
            return Stop(H264Error.StapNalOutOfBounds);
        }

        byte header = _payload[nalOffset];
        if ((header & H264Payload.ForbiddenBit) != 0)
        {
            return Stop(H264Error.ForbiddenBit);
        }

        Current = new H264NalUnit(header, nalOffset, size, isFragment: false, isFragmentStart: false, isFragmentEnd: false);
        _offset = nalOffset + size;
        return true;
    }

    private bool ReadFragment(byte indicator)
    {
        if (_payload.Length <= H264Payload.FuHeaderSize)
        {
            return Stop(H264Error.FuTooShort);
        }

        byte fuHeader = _payload[1];
        bool start = (fuHeader & H264Payload.FuStartBit) != 0;
        bool end = (fuHeader & H264Payload.FuEndBit) != 0;
        if (start && end)
        {
            return Stop(H264Error.FuStartAndEnd);
        }

        byte header = (byte)((indicator & (H264Payload.ForbiddenBit | H264Payload.NriMask)) | (fuHeader & H264Payload.NalTypeMask));
        Current = new H264NalUnit(header, H264Payload.FuHeaderSize, _payload.Length - H264Payload.FuHeaderSize, isFragment: true, start, end);
        _done = true;
        return true;
    }

    private bool Stop(H264Error error)
    {
        _done = true;
        Error = error;
        Current = default;
        return false;
    }
}
