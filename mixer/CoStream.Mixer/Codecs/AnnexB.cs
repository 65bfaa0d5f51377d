namespace CoStream.Mixer.Codecs;

/// <summary>
/// A structural check of an Annex-B access unit before it reaches the decoder (ITU-T H.264 Annex B,
/// H.265 Annex B): it must begin with a start code and every NAL unit header must have its
/// forbidden_zero_bit clear (and, for H.265, a valid nuh_temporal_id_plus1).
/// </summary>
public static class AnnexB
{
    /// <summary>Null when the bytes look like an access unit, else why not. Also counts the NAL units.</summary>
    public static string? Check(ReadOnlySpan<byte> data, bool hevc, out int nalUnits)
    {
        nalUnits = 0;
        int i = StartCodeEnd(data, 0);
        if (i < 0) return "no Annex-B start code at the start";
        while (i >= 0)
        {
            var next = FindStartCode(data, i, out var nextPayload);
            var end = next < 0 ? data.Length : next;
            var headerSize = hevc ? 2 : 1;
            if (end - i < headerSize) return $"NAL unit {nalUnits} is shorter than its header";
            if ((data[i] & 0x80) != 0) return $"NAL unit {nalUnits} has forbidden_zero_bit set";
            if (hevc && (data[i + 1] & 0x07) == 0) return $"NAL unit {nalUnits} has nuh_temporal_id_plus1 = 0";
            nalUnits++;
            i = next < 0 ? -1 : nextPayload;
        }
        return null;
    }

    /// <summary>
    /// True when the access unit carries a sequence parameter set (H.264 NAL type 7, H.265 type 33): a keyframe
    /// without one cannot start a decoder that has not seen one before.
    /// </summary>
    public static bool ContainsSps(ReadOnlySpan<byte> data, bool hevc)
    {
        int i = StartCodeEnd(data, 0);
        while (i >= 0 && i < data.Length)
        {
            var type = hevc ? (data[i] >> 1) & 0x3F : data[i] & 0x1F;
            if (type == (hevc ? 33 : 7)) return true;
            if (FindStartCode(data, i, out var next) < 0) return false;
            i = next;
        }
        return false;
    }

    private static int StartCodeEnd(ReadOnlySpan<byte> d, int at)
    {
        if (d.Length - at >= 3 && d[at] == 0 && d[at + 1] == 0 && d[at + 2] == 1) return at + 3;
        if (d.Length - at >= 4 && d[at] == 0 && d[at + 1] == 0 && d[at + 2] == 0 && d[at + 3] == 1) return at + 4;
        return -1;
    }

    /// <summary>Position of the next start code (including a leading zero of a 4-byte one) at or after <paramref name="from"/>.</summary>
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
