namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>
/// 64-bit NTP timestamps (RFC 3550 §4: seconds since 1900-01-01 in the high word, fraction in the low word)
/// and the 32-bit "compact" form used by LSR/DLSR (middle 32 bits: 16.16 fixed point seconds).
/// </summary>
public static class NtpTime
{
    /// <summary>Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch).</summary>
    public const long UnixEpochOffsetSeconds = 2_208_988_800;
    private const long MicrosPerSecond = 1_000_000;
    private const ulong FractionRound = 1UL << 31;
    private const ulong Era1Bit = 0x8000_0000;

    /// <summary>Unix time in µs to a 64-bit NTP timestamp (fraction rounded to nearest).</summary>
    public static ulong FromUnixMicroseconds(long unixMicroseconds)
    {
        long seconds = Math.DivRem(unixMicroseconds, MicrosPerSecond, out long micros);
        if (micros < 0)
        {
            seconds--;
            micros += MicrosPerSecond;
        }

        ulong fraction = (((ulong)micros << 32) + (MicrosPerSecond / 2)) / MicrosPerSecond;
        return ((ulong)(seconds + UnixEpochOffsetSeconds) << 32) + fraction;
    }

    /// <summary>
    /// 64-bit NTP timestamp to Unix time in µs. Seconds with the top bit clear are read as era 1
    /// (after 2036-02-07, RFC 4330 §3), so the range 1968–2104 maps without ambiguity.
    /// </summary>
    public static long ToUnixMicroseconds(ulong ntpTimestamp)
    {
        ulong seconds = ntpTimestamp >> 32;
        if ((seconds & Era1Bit) == 0)
        {
            seconds += 1UL << 32;
        }

        ulong fraction = ntpTimestamp & 0xFFFF_FFFF;
        long micros = (long)((fraction * MicrosPerSecond + FractionRound) >> 32);
        return ((long)seconds - UnixEpochOffsetSeconds) * MicrosPerSecond + micros;
    }

    /// <summary>Middle 32 bits of an NTP timestamp (what LSR carries).</summary>
    public static uint ToCompact(ulong ntpTimestamp) => (uint)(ntpTimestamp >> 16);

    /// <summary>A duration in µs to 1/65536 s units (what DLSR carries), rounded to nearest, saturated.</summary>
    public static uint DurationToCompact(long microseconds)
    {
        if (microseconds <= 0)
        {
            return 0;
        }

        ulong units = (((ulong)microseconds << 16) + (MicrosPerSecond / 2)) / MicrosPerSecond;
        return units > uint.MaxValue ? uint.MaxValue : (uint)units;
    }

    /// <summary>1/65536 s units to µs, rounded to nearest.</summary>
    public static long CompactToMicroseconds(uint compact) =>
        (long)(((ulong)compact * MicrosPerSecond + (1UL << 15)) >> 16);
}
