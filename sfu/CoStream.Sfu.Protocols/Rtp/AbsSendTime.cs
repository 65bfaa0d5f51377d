namespace CoStream.Sfu.Protocols.Rtp;

/*
 abs-send-time (http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time), 3-byte value:

    0                   1                   2
    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   | seconds (6) |        fraction of a second (18)          |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

 Send time in seconds as 6.18 unsigned fixed point; wraps every 64 seconds.
*/

/// <summary>The abs-send-time header extension value: 24-bit 6.18 fixed-point seconds.</summary>
public static class AbsSendTime
{
    public const int ValueLength = 3;
    public const int FractionBits = 18;
    public const uint Mask = 0xFFFFFF;

    /// <summary>The 24-bit period: 64 seconds in microseconds.</summary>
    public const long WrapMicroseconds = 64L * MicrosecondsPerSecond;

    private const long MicrosecondsPerSecond = 1_000_000;

    /// <summary>Converts a time in microseconds (any epoch) to the 24-bit value, rounding to nearest.</summary>
    public static uint FromMicroseconds(long microseconds)
    {
        long withinWrap = microseconds % WrapMicroseconds;
        if (withinWrap < 0)
        {
            withinWrap += WrapMicroseconds;
        }

        // withinWrap < 2^26, so the shift cannot overflow.
        return (uint)((((withinWrap << FractionBits) + (MicrosecondsPerSecond / 2)) / MicrosecondsPerSecond) & Mask);
    }

    /// <summary>Converts a 24-bit value to microseconds within its 64-second period, rounding to nearest.</summary>
    public static long ToMicroseconds(uint value) =>
        (((value & Mask) * MicrosecondsPerSecond) + (1L << (FractionBits - 1))) >> FractionBits;

    public static RtpError TryRead(ReadOnlySpan<byte> value, out uint absSendTime)
    {
        if (value.Length != ValueLength)
        {
            absSendTime = 0;
            return RtpError.ExtensionValueLength;
        }

        absSendTime = (uint)((value[0] << 16) | (value[1] << 8) | value[2]);
        return RtpError.None;
    }

    /// <summary>Writes the low 24 bits of <paramref name="absSendTime"/>; returns 3.</summary>
    public static int WriteTo(Span<byte> destination, uint absSendTime)
    {
        if (destination.Length < ValueLength)
        {
            throw new ArgumentException("Destination is smaller than 3 bytes.", nameof(destination));
        }

        destination[0] = (byte)(absSendTime >> 16);
        destination[1] = (byte)(absSendTime >> 8);
        destination[2] = (byte)absSendTime;
        return ValueLength;
    }

    /// <summary>Rewrites the value of element <paramref name="id"/> in place (hot path when re-stamping on send).</summary>
    public static bool TryRewrite(Span<byte> packet, in RtpHeader header, int id, uint absSendTime)
    {
        if (!RtpHeaderExtensions.TryFindExtension(packet, header, id, out int offset, out int length) || length != ValueLength)
        {
            return false;
        }

        WriteTo(packet.Slice(offset, ValueLength), absSendTime);
        return true;
    }
}
