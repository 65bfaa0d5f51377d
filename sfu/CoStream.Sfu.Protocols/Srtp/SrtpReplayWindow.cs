namespace CoStream.Sfu.Protocols.Srtp;

/// <summary>
/// The receiver's replay list of RFC 3711 §3.3.2 as a sliding bitmap: the highest index
/// accepted so far, and one bit per index in [highest - size + 1, highest].
/// Used for the 48-bit SRTP index and for the 31-bit SRTCP index.
/// </summary>
/// <remarks>
/// Bit k (word k / 64, bit k % 64) says whether index <c>Highest - k</c> was accepted.
/// <see cref="Check"/> never changes state; <see cref="Accept"/> runs only once the packet
/// has been authenticated, so a forged packet cannot move the window.
/// </remarks>
internal sealed class SrtpReplayWindow
{
    private const int BitsPerWord = 64;

    private readonly ulong[] _bits;

    /// <summary>A window whose first accepted packet has <paramref name="firstIndex"/>.</summary>
    public SrtpReplayWindow(int size, ulong firstIndex)
    {
        Size = size;
        _bits = new ulong[(size + BitsPerWord - 1) / BitsPerWord];
        Highest = firstIndex;
        _bits[0] = 1;
    }

    /// <summary>Window size in packets.</summary>
    public int Size { get; }

    /// <summary>Highest index accepted so far.</summary>
    public ulong Highest { get; private set; }

    /// <summary>Whether <paramref name="index"/> may be accepted: None, ReplayOld or ReplayDuplicate.</summary>
    public SrtpError Check(ulong index)
    {
        if (index > Highest)
        {
            return SrtpError.None;
        }

        ulong delta = Highest - index;
        if (delta >= (ulong)Size)
        {
            return SrtpError.ReplayOld;
        }

        int k = (int)delta;
        return (_bits[k / BitsPerWord] & (1UL << (k % BitsPerWord))) != 0 ? SrtpError.ReplayDuplicate : SrtpError.None;
    }

    /// <summary>Records <paramref name="index"/> (which <see cref="Check"/> allowed) as received.</summary>
    public void Accept(ulong index)
    {
        if (index > Highest)
        {
            ulong shift = index - Highest;
            ShiftLeft(shift >= (ulong)Size ? Size : (int)shift);
            Highest = index;
            _bits[0] |= 1;
            return;
        }

        int k = (int)(Highest - index);
        _bits[k / BitsPerWord] |= 1UL << (k % BitsPerWord);
    }

    /// <summary>Ages every recorded bit by <paramref name="shift"/> positions (toward older indexes).</summary>
    private void ShiftLeft(int shift)
    {
        if (shift >= Size)
        {
            Array.Clear(_bits);
            return;
        }

        int words = shift / BitsPerWord;
        int bits = shift % BitsPerWord;
        for (int i = _bits.Length - 1; i >= 0; i--)
        {
            int source = i - words;
            ulong value = source >= 0 ? _bits[source] << bits : 0;
            if (bits != 0 && source - 1 >= 0)
            {
                value |= _bits[source - 1] >> (BitsPerWord - bits);
            }

            _bits[i] = value;
        }

        // Bits beyond Size (when Size is not a multiple of 64) are never read as "received"
        // for an index inside the window, so they need no masking.
    }
}
