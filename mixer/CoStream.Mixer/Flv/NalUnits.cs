using System.Buffers.Binary;

namespace CoStream.Mixer.Flv;

/// <summary>
/// Walks the NAL units of an Annex-B access unit (start codes 00 00 01 / 00 00 00 01) as offset/length
/// pairs into the input, without copying.
/// </summary>
public ref struct AnnexBNalEnumerator
{
    private readonly ReadOnlySpan<byte> _data;
    private int _next;

    public AnnexBNalEnumerator(ReadOnlySpan<byte> data)
    {
        _data = data;
        _next = FindPayload(data, 0);
        Current = default;
    }

    /// <summary>The current NAL unit (header included, start code and trailing zero bytes excluded).</summary>
    public ReadOnlySpan<byte> Current { get; private set; }

    public bool MoveNext()
    {
        while (_next >= 0 && _next <= _data.Length)
        {
            var start = _next;
            var following = FindPayload(_data, start);
            var end = following < 0 ? _data.Length : following - 3;
            while (end > start && _data[end - 1] == 0) end--; // a 4-byte start code's zero, trailing_zero_8bits
            _next = following;
            if (end > start)
            {
                Current = _data[start..end];
                return true;
            }
            if (following < 0) break;
        }
        _next = -1;
        return false;
    }

    public AnnexBNalEnumerator GetEnumerator() => this;

    /// <summary>Index just past the next 00 00 01 at or after <paramref name="from"/>, or -1.</summary>
    private static int FindPayload(ReadOnlySpan<byte> d, int from)
    {
        for (int k = from; k + 2 < d.Length; k++)
        {
            if (d[k + 2] > 1) { k += 2; continue; }
            if (d[k] == 0 && d[k + 1] == 0 && d[k + 2] == 1) return k + 3;
        }
        return -1;
    }
}

/// <summary>NAL unit helpers shared by the AVC and HEVC FLV paths.</summary>
public static class NalUnits
{
    public static int AvcType(ReadOnlySpan<byte> nal) => nal[0] & 0x1F;
    public static int HevcType(ReadOnlySpan<byte> nal) => (nal[0] >> 1) & 0x3F;

    public const int AvcSps = 7, AvcPps = 8, AvcAud = 9;
    public const int HevcVps = 32, HevcSps = 33, HevcPps = 34, HevcAud = 35;

    /// <summary>True for NAL units that travel in the decoder configuration record instead of each frame.</summary>
    public static bool IsParameterSetOrDelimiter(ReadOnlySpan<byte> nal, bool hevc)
    {
        if (hevc) return nal.Length >= 2 && HevcType(nal) is HevcVps or HevcSps or HevcPps or HevcAud;
        return AvcType(nal) is AvcSps or AvcPps or AvcAud;
    }

    /// <summary>Size of the access unit in 4-byte length-prefixed form, parameter sets and delimiters left out.</summary>
    public static int GetLengthPrefixedSize(ReadOnlySpan<byte> annexB, bool hevc)
    {
        int size = 0;
        foreach (var nal in new AnnexBNalEnumerator(annexB))
            if (!IsParameterSetOrDelimiter(nal, hevc)) size += 4 + nal.Length;
        return size;
    }

    /// <summary>Annex-B → 4-byte big-endian length prefixes (ISO/IEC 14496-15), parameter sets left out.</summary>
    public static int WriteLengthPrefixed(ReadOnlySpan<byte> annexB, bool hevc, Span<byte> dest)
    {
        int at = 0;
        foreach (var nal in new AnnexBNalEnumerator(annexB))
        {
            if (IsParameterSetOrDelimiter(nal, hevc)) continue;
            BinaryPrimitives.WriteUInt32BigEndian(dest[at..], (uint)nal.Length);
            nal.CopyTo(dest[(at + 4)..]);
            at += 4 + nal.Length;
        }
        return at;
    }

    /// <summary>RBSP of a NAL unit payload: emulation_prevention_three_byte (00 00 03) removed.</summary>
    public static int Unescape(ReadOnlySpan<byte> nal, Span<byte> rbsp)
    {
        int n = 0, zeros = 0;
        foreach (var b in nal)
        {
            if (zeros >= 2 && b == 3) { zeros = 0; continue; }
            zeros = b == 0 ? zeros + 1 : 0;
            if (n == rbsp.Length) break;
            rbsp[n++] = b;
        }
        return n;
    }
}

/// <summary>An MSB-first bit reader over an RBSP with Exp-Golomb (ue(v)); reading past the end sets <see cref="Overrun"/>.</summary>
public ref struct RbspBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _bit;

    public RbspBitReader(ReadOnlySpan<byte> data) { _data = data; _bit = 0; Overrun = false; }

    public bool Overrun { get; private set; }
    public int BitPosition => _bit;

    public uint ReadBits(int count)
    {
        uint v = 0;
        for (int i = 0; i < count; i++)
        {
            if (_bit >= _data.Length * 8) { Overrun = true; return 0; }
            v = (v << 1) | (uint)((_data[_bit >> 3] >> (7 - (_bit & 7))) & 1);
            _bit++;
        }
        return v;
    }

    public void Skip(int count)
    {
        _bit += count;
        if (_bit > _data.Length * 8) Overrun = true;
    }

    public uint ReadUe()
    {
        int zeros = 0;
        while (ReadBits(1) == 0)
        {
            if (Overrun || ++zeros > 31) { Overrun = true; return 0; }
        }
        return zeros == 0 ? 0 : (1u << zeros) - 1 + ReadBits(zeros);
    }
}
