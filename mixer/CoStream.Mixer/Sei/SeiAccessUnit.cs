namespace CoStream.Mixer.Sei;

/// <summary>
/// Puts an SEI NAL unit into an Annex-B access unit and finds it again. The SEI goes right before the
/// first VCL NAL unit — after AUD, parameter sets and the encoder's own SEI, as H.264 §7.4.1.2.3 and
/// H.265 §7.4.2.4.4 order them. Never throws on the access unit's bytes.
/// </summary>
public static class SeiAccessUnit
{
    /// <summary>Whether a NAL unit type is a coded slice (H.264 1–5; H.265 0–31).</summary>
    public static bool IsVcl(int nalType, bool hevc) => hevc ? nalType <= 31 : nalType is >= 1 and <= 5;

    public static int NalType(ReadOnlySpan<byte> nal, bool hevc) => hevc ? (nal[0] >> 1) & 0x3F : nal[0] & 0x1F;

    /// <summary>
    /// Writes <paramref name="accessUnit"/> with <paramref name="seiNal"/> (a NAL unit without start code,
    /// from <see cref="SeiUserDataUnregistered.WriteTo"/>) inserted before its first VCL NAL unit, behind a
    /// 4-byte start code. <paramref name="dest"/> needs accessUnit.Length + seiNal.Length + 4 bytes.
    /// </summary>
    public static SeiError TryInsert(ReadOnlySpan<byte> accessUnit, bool hevc, ReadOnlySpan<byte> seiNal, Span<byte> dest, out int written)
    {
        written = 0;
        var reader = new AnnexBReader(accessUnit);
        if (!reader.StartsWithStartCode) return SeiError.NoStartCode;
        int insertAt = -1;
        while (reader.TryNext(out var nalStart, out var nalLength, out var startCodeAt))
        {
            if (nalLength < (hevc ? 2 : 1)) continue;
            if (IsVcl(NalType(accessUnit.Slice(nalStart, nalLength), hevc), hevc)) { insertAt = startCodeAt; break; }
        }
        if (insertAt < 0) return SeiError.NoVclNal;
        var total = accessUnit.Length + 4 + seiNal.Length;
        if (dest.Length < total) return SeiError.DestinationTooSmall;
        accessUnit[..insertAt].CopyTo(dest);
        var o = insertAt;
        dest[o++] = 0; dest[o++] = 0; dest[o++] = 0; dest[o++] = 1;
        seiNal.CopyTo(dest[o..]);
        o += seiNal.Length;
        accessUnit[insertAt..].CopyTo(dest[o..]);
        written = total;
        return SeiError.None;
    }

    /// <summary>
    /// Finds the first user_data_unregistered message with <paramref name="uuid"/> in the access unit's
    /// SEI NAL units. A malformed SEI NAL unit refuses the whole search with its reason.
    /// <paramref name="scratch"/> must hold the largest SEI NAL unit (the access unit's length always does).
    /// </summary>
    public static SeiError TryFind(ReadOnlySpan<byte> accessUnit, bool hevc, Guid uuid, Span<byte> scratch, out SeiUserDataUnregistered message)
    {
        message = default;
        var reader = new AnnexBReader(accessUnit);
        if (!reader.StartsWithStartCode) return SeiError.NoStartCode;
        while (reader.TryNext(out var start, out var length, out _))
        {
            var nal = accessUnit.Slice(start, length);
            if (nal.Length < (hevc ? 2 : 1)) continue;
            var type = NalType(nal, hevc);
            bool sei = hevc ? type is SeiUserDataUnregistered.HevcNalTypePrefixSei or SeiUserDataUnregistered.HevcNalTypeSuffixSei
                : type == SeiUserDataUnregistered.H264NalTypeSei;
            if (!sei) continue;
            var error = SeiUserDataUnregistered.TryRead(nal, hevc, scratch, out message, out _, uuid);
            if (error == SeiError.NotFound) continue;
            return error;
        }
        return SeiError.NotFound;
    }
}

/// <summary>Walks the NAL units of an Annex-B byte stream (3- or 4-byte start codes).</summary>
public ref struct AnnexBReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _startCode; // where the current NAL unit's start code begins, or -1 when done
    private int _next;      // its first byte

    public AnnexBReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _startCode = FindStartCode(data, 0, out _next);
        if (_startCode != 0) _startCode = -1;
        StartsWithStartCode = _startCode == 0;
    }

    public bool StartsWithStartCode { get; }

    /// <summary>The next NAL unit: its first byte, its length (up to the next start code), and where its own start code began.</summary>
    public bool TryNext(out int start, out int length, out int startCodeAt)
    {
        start = length = startCodeAt = 0;
        if (_startCode < 0) return false;
        start = _next;
        startCodeAt = _startCode;
        var sc = FindStartCode(_data, start, out var payload);
        length = (sc < 0 ? _data.Length : sc) - start;
        _startCode = sc;
        _next = payload;
        return true;
    }

    /// <summary>Position of the next start code at or after <paramref name="from"/> (its leading zero when 4 bytes).</summary>
    private static int FindStartCode(ReadOnlySpan<byte> d, int from, out int payload)
    {
        for (int k = from; k + 2 < d.Length; k++)
        {
            if (d[k + 2] > 1) { k += 2; continue; }
            if (d[k] == 0 && d[k + 1] == 0 && d[k + 2] == 1)
            {
                payload = k + 3;
                return k > from && d[k - 1] == 0 ? k - 1 : k;
            }
        }
        payload = -1;
        return -1;
    }
}
