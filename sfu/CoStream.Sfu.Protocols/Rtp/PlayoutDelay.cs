using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtp;

/// <summary>
/// libwebrtc's playout-delay header extension value: the sender's minimum and maximum playout delay
/// for the receiver's jitter buffer, 12 bits each, in 10 ms units.
/// <code>
///  0                   1                   2
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |       MIN delay       |       MAX delay       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
public static class PlayoutDelay
{
    public const int ValueLength = 3;
    public const int UnitMs = 10;
    public const int MaxMs = 0xFFF * UnitMs;

    public static int WriteTo(Span<byte> destination, int minMs, int maxMs)
    {
        var min = (uint)Math.Clamp(minMs / UnitMs, 0, 0xFFF);
        var max = (uint)Math.Clamp(maxMs / UnitMs, (int)min, 0xFFF);
        var value = (min << 12) | max;
        destination[0] = (byte)(value >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(1), (ushort)value);
        return ValueLength;
    }

    public static RtpError TryRead(ReadOnlySpan<byte> value, out int minMs, out int maxMs)
    {
        minMs = maxMs = 0;
        if (value.Length != ValueLength) return RtpError.ExtensionValueLength;
        var v = ((uint)value[0] << 16) | BinaryPrimitives.ReadUInt16BigEndian(value.Slice(1));
        minMs = (int)(v >> 12) * UnitMs;
        maxMs = (int)(v & 0xFFF) * UnitMs;
        return minMs <= maxMs ? RtpError.None : RtpError.ExtensionValueInvalid;
    }
}
