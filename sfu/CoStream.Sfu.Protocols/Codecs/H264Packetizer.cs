namespace CoStream.Sfu.Protocols.Codecs;

/*
 RFC 6184 packetization (non-interleaved mode, packetization-mode=1) of one Annex-B access unit:

   - a NAL unit that fits alone          → §5.6 single NAL unit packet (the NAL unit as is)
   - consecutive small NAL units         → §5.7.1 STAP-A:  [F|NRI|24] ([size:16][NAL unit])+
                                            F = OR of the units' F bits, NRI = their highest NRI
   - a NAL unit larger than the payload  → §5.8 FU-A:      [F|NRI|28][S|E|R|Type] fragment...
                                            (the NAL header byte itself is not sent; S on the
                                            first fragment, E on the last)
 The last packet of the access unit is the one to carry the RTP marker bit (§5.1).
*/

/// <summary>
/// Cuts one H.264 access unit in Annex-B form (start codes) into RTP payloads of at most
/// <c>maxPayloadSize</c> bytes (RFC 6184 §5.6–5.8). Allocates nothing: each <see cref="Next"/> writes
/// one payload into the caller's buffer. Used by test publishers and tools; the SFU forwards
/// payloads untouched.
/// </summary>
public ref struct H264Packetizer
{
    /// <summary>The least payload size that can carry an FU-A fragment with one byte of data.</summary>
    public const int MinPayloadSize = H264Payload.FuHeaderSize + 1;

    private const byte StapAType = (byte)H264NalUnitType.StapA;
    private const byte FuAType = (byte)H264NalUnitType.FuA;

    private readonly ReadOnlySpan<byte> _accessUnit;
    private readonly int _maxPayloadSize;
    private int _position;       // where to look for the next NAL unit
    private int _fuStart;        // NAL unit being fragmented: its start and length; _fuOffset < 0 when none
    private int _fuLength;
    private int _fuOffset;

    public H264Packetizer(ReadOnlySpan<byte> annexBAccessUnit, int maxPayloadSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadSize, MinPayloadSize);
        _accessUnit = annexBAccessUnit;
        _maxPayloadSize = maxPayloadSize;
        _position = 0;
        _fuStart = 0;
        _fuLength = 0;
        _fuOffset = -1;
    }

    /// <summary>
    /// Writes the next payload into <paramref name="destination"/> (at least the max payload size long)
    /// and returns its length; 0 when the access unit is done. <paramref name="isLast"/> is true for the
    /// payload that ends the access unit (set the RTP marker bit on it).
    /// </summary>
    public int Next(Span<byte> destination, out bool isLast)
    {
        if (destination.Length < _maxPayloadSize)
        {
            throw new ArgumentException("Destination is smaller than the maximum payload size.", nameof(destination));
        }

        int written;
        if (_fuOffset >= 0)
        {
            written = WriteFragment(destination);
        }
        else if (!TryFindNalUnit(_accessUnit, _position, out int start, out int length, out int end))
        {
            isLast = true;
            return 0;
        }
        else if (length > _maxPayloadSize)
        {
            _position = end;
            _fuStart = start;
            _fuLength = length;
            _fuOffset = H264Payload.NalHeaderSize;
            written = WriteFragment(destination);
        }
        else
        {
            written = WriteSingleOrAggregate(destination, start, length, end);
        }

        isLast = _fuOffset < 0 && !TryFindNalUnit(_accessUnit, _position, out _, out _, out _);
        return written;
    }

    private int WriteFragment(Span<byte> destination)
    {
        ReadOnlySpan<byte> nal = _accessUnit.Slice(_fuStart, _fuLength);
        int chunk = Math.Min(_maxPayloadSize - H264Payload.FuHeaderSize, nal.Length - _fuOffset);
        bool first = _fuOffset == H264Payload.NalHeaderSize;
        bool last = _fuOffset + chunk == nal.Length;
        destination[0] = (byte)((nal[0] & (H264Payload.ForbiddenBit | H264Payload.NriMask)) | FuAType);
        destination[1] = (byte)((first ? H264Payload.FuStartBit : 0) | (last ? H264Payload.FuEndBit : 0) | (nal[0] & H264Payload.NalTypeMask));
        nal.Slice(_fuOffset, chunk).CopyTo(destination.Slice(H264Payload.FuHeaderSize));
        _fuOffset = last ? -1 : _fuOffset + chunk;
        return H264Payload.FuHeaderSize + chunk;
    }

    private int WriteSingleOrAggregate(Span<byte> destination, int start, int length, int end)
    {
        // Aggregate while the next NAL unit fits too; a STAP-A of one unit would only add 3 bytes.
        int stapSize = H264Payload.NalHeaderSize + H264Payload.StapSizeFieldSize + length;
        int count = 1;
        int next = end;
        while (TryFindNalUnit(_accessUnit, next, out _, out int nextLength, out int nextEnd)
               && nextLength <= ushort.MaxValue
               && stapSize + H264Payload.StapSizeFieldSize + nextLength <= _maxPayloadSize)
        {
            stapSize += H264Payload.StapSizeFieldSize + nextLength;
            count++;
            next = nextEnd;
        }

        if (count == 1 || length > ushort.MaxValue)
        {
            _accessUnit.Slice(start, length).CopyTo(destination);
            _position = end;
            return length;
        }

        int offset = H264Payload.NalHeaderSize;
        byte forbidden = 0;
        byte nri = 0;
        int position = _position;
        for (int i = 0; i < count; i++)
        {
            TryFindNalUnit(_accessUnit, position, out int s, out int l, out position);
            ReadOnlySpan<byte> nal = _accessUnit.Slice(s, l);
            forbidden |= (byte)(nal[0] & H264Payload.ForbiddenBit);
            nri = Math.Max(nri, (byte)(nal[0] & H264Payload.NriMask));
            destination[offset] = (byte)(l >> 8);
            destination[offset + 1] = (byte)l;
            nal.CopyTo(destination.Slice(offset + H264Payload.StapSizeFieldSize));
            offset += H264Payload.StapSizeFieldSize + l;
        }

        destination[0] = (byte)(forbidden | nri | StapAType);
        _position = position;
        return offset;
    }

    /// <summary>
    /// The next non-empty NAL unit at or after <paramref name="from"/>: its bytes run from after a start
    /// code (00 00 01, or 00 00 00 01) to before the next start code or the end; <paramref name="end"/> is
    /// where the search for the following one starts. Bytes before the first start code are skipped.
    /// </summary>
    public static bool TryFindNalUnit(ReadOnlySpan<byte> annexB, int from, out int start, out int length, out int end)
    {
        int payload = FindStartCode(annexB, from, out _);
        while (payload >= 0)
        {
            int nextPayload = FindStartCode(annexB, payload, out int nextCode);
            int stop = nextPayload < 0 ? annexB.Length : nextCode;
            if (stop > payload)
            {
                start = payload;
                length = stop - payload;
                end = stop;
                return true;
            }

            payload = nextPayload;
        }

        start = length = 0;
        end = annexB.Length;
        return false;
    }

    /// <summary>Index just after the next 00 00 01 at or after <paramref name="from"/> (-1: none); <paramref name="code"/>
    /// is where that start code begins, a preceding zero byte (4-byte form) included.</summary>
    private static int FindStartCode(ReadOnlySpan<byte> data, int from, out int code)
    {
        for (int k = from; k + 2 < data.Length; k++)
        {
            if (data[k + 2] > 1)
            {
                k += 2;
                continue;
            }

            if (data[k] == 0 && data[k + 1] == 0 && data[k + 2] == 1)
            {
                code = k > from && data[k - 1] == 0 ? k - 1 : k;
                return k + 3;
            }
        }

        code = -1;
        return -1;
    }
}
