namespace CoStream.Mixer.Sei;

/// <summary>
/// Emulation prevention (H.264 §7.4.1, H.265 §7.4.2): inside a NAL unit, any two zero bytes followed by
/// a byte ≤ 3 get an emulation_prevention_three_byte (0x03) between them, so no start code can appear.
/// </summary>
public static class EmulationPrevention
{
    /// <summary>The most bytes <see cref="Escape"/> can produce from <paramref name="rbspLength"/> bytes.</summary>
    public static int MaxEscapedSize(int rbspLength) => rbspLength + rbspLength / 2 + 1;

    /// <summary>Writes <paramref name="rbsp"/> escaped into <paramref name="dest"/>; returns the bytes written, or -1 when it does not fit.</summary>
    public static int Escape(ReadOnlySpan<byte> rbsp, Span<byte> dest)
    {
        int o = 0, zeros = 0;
        foreach (var b in rbsp)
        {
            if (zeros == 2 && b <= 3)
            {
                if ((uint)o >= (uint)dest.Length) return -1;
                dest[o++] = 3;
                zeros = 0;
            }
            if ((uint)o >= (uint)dest.Length) return -1;
            dest[o++] = b;
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return o;
    }

    /// <summary>Removes emulation_prevention_three_bytes; returns the bytes written, or -1 when <paramref name="dest"/> is too small.</summary>
    public static int Unescape(ReadOnlySpan<byte> ebsp, Span<byte> dest)
    {
        int o = 0, zeros = 0;
        foreach (var b in ebsp)
        {
            if (zeros == 2 && b == 3) { zeros = 0; continue; }
            if ((uint)o >= (uint)dest.Length) return -1;
            dest[o++] = b;
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return o;
    }
}
