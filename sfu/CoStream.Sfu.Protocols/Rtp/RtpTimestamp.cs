namespace CoStream.Sfu.Protocols.Rtp;

/// <summary>32-bit RTP timestamp arithmetic modulo 2^32 (RFC 3550 §5.1), mirroring <see cref="SequenceNumber"/>.</summary>
public static class RtpTimestamp
{
    public const uint HalfRange = 0x8000_0000;

    /// <summary>True when <paramref name="a"/> is later than <paramref name="b"/> (forward distance 1..2^31-1; ties at 2^31 go to the larger).</summary>
    public static bool IsNewer(uint a, uint b)
    {
        uint forward = a - b;
        return forward == HalfRange ? a > b : forward != 0 && forward < HalfRange;
    }

    /// <summary>Signed distance from <paramref name="from"/> to <paramref name="to"/> (positive: to is later).</summary>
    public static long Distance(uint from, uint to) => (int)(to - from);

    public static uint Latest(uint a, uint b) => IsNewer(b, a) ? b : a;
}
