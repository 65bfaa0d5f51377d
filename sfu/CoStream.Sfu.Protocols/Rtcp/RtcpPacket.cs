namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>Checks shared by every message parser: header, length, type, format and padding.</summary>
internal static class RtcpPacket
{
    /// <summary>Any FMT / count is accepted.</summary>
    public const int AnyFormat = -1;

    /// <summary>
    /// Validates the header of the packet at the start of <paramref name="data"/> and returns its body:
    /// the bytes after the 4-byte header with the padding (if the P bit is set) removed.
    /// </summary>
    public static RtcpError TryReadBody(
        ReadOnlySpan<byte> data,
        RtcpPacketType expectedType,
        int expectedFormat,
        out RtcpHeader header,
        out ReadOnlySpan<byte> body,
        out int consumed)
    {
        body = default;
        consumed = 0;
        var error = RtcpHeader.TryRead(data, out header, out _);
        if (error != RtcpError.None)
        {
            return error;
        }

        if (header.PacketType != expectedType)
        {
            return RtcpError.WrongPacketType;
        }

        if (expectedFormat != AnyFormat && header.Format != expectedFormat)
        {
            return RtcpError.WrongFormat;
        }

        int size = header.PacketSize;
        if (size > data.Length)
        {
            return RtcpError.LengthExceedsBuffer;
        }

        int padding = 0;
        if (header.Padding)
        {
            padding = data[size - 1];
            if (padding == 0 || padding > size - RtcpHeader.Size)
            {
                return RtcpError.BadPadding;
            }
        }

        body = data.Slice(RtcpHeader.Size, size - RtcpHeader.Size - padding);
        consumed = size;
        return RtcpError.None;
    }

    /// <summary>Rounds a byte count up to the next multiple of 4.</summary>
    public static int Align4(int length) => (length + 3) & ~3;
}

/// <summary>Throw helpers for writers: a too-small destination is a caller bug, not network input.</summary>
internal static class RtcpWriter
{
    public static void EnsureSpace(Span<byte> destination, int size)
    {
        if (destination.Length < size)
        {
            ThrowTooSmall(size, destination.Length);
        }
    }

    public static void ThrowTooSmall(int needed, int available) =>
        throw new ArgumentException($"Destination holds {available} bytes; {needed} are needed.", "destination");

    public static void ThrowArgument(string paramName, string message) =>
        throw new ArgumentException(message, paramName);
}
