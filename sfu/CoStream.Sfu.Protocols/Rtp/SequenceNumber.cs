namespace CoStream.Sfu.Protocols.Rtp;

/// <summary>
/// 16-bit RTP sequence number arithmetic modulo 2^16 (RFC 3550 §A.1). The only place that does
/// it: everything else either calls these or works on extended numbers from <see cref="SequenceUnwrapper"/>.
/// </summary>
public static class SequenceNumber
{
    /// <summary>Half the number space: a forward step of this size or more counts as backwards.</summary>
    public const int HalfRange = 0x8000;

    /// <summary>
    /// True when <paramref name="a"/> comes after <paramref name="b"/>, i.e. the forward distance
    /// from b to a is 1..32767. At exactly 32768 apart the numerically larger one is newer, so
    /// exactly one of IsNewer(a, b) and IsNewer(b, a) holds for any a != b.
    /// </summary>
    public static bool IsNewer(ushort a, ushort b)
    {
        ushort forward = (ushort)(a - b);
        return forward == HalfRange ? a > b : forward != 0 && forward < HalfRange;
    }

    /// <summary>Signed distance from <paramref name="from"/> to <paramref name="to"/>, in -32768..32767 (positive: to is newer).</summary>
    public static int Distance(ushort from, ushort to) => (short)(ushort)(to - from);

    /// <summary>The newer of the two (see <see cref="IsNewer"/>).</summary>
    public static ushort Latest(ushort a, ushort b) => IsNewer(b, a) ? b : a;

    /// <summary><paramref name="value"/> moved by <paramref name="delta"/>, wrapping modulo 2^16.</summary>
    public static ushort Add(ushort value, int delta) => (ushort)(value + delta);
}
