namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>
/// Walks the packets of a compound RTCP datagram (RFC 3550 §6.1, Appendix A.2) without copying.
/// Each packet is handed out whole (header and padding included) so it can go straight to a message's TryRead.
/// Stops with <see cref="Error"/> set at the first malformed packet; packets before it were valid.
/// </summary>
public ref struct RtcpCompoundReader
{
    private ReadOnlySpan<byte> _remaining;

    public RtcpCompoundReader(ReadOnlySpan<byte> data)
    {
        _remaining = data;
        Error = RtcpError.None;
        Offset = 0;
    }

    /// <summary>Why the reader stopped early; <see cref="RtcpError.None"/> when it reached the end cleanly.</summary>
    public RtcpError Error { get; private set; }

    /// <summary>Offset in the datagram of the next packet (or of the malformed one).</summary>
    public int Offset { get; private set; }

    public bool TryNext(out RtcpHeader header, out ReadOnlySpan<byte> packet)
    {
        packet = default;
        header = default;
        if (Error != RtcpError.None || _remaining.IsEmpty)
        {
            return false;
        }

        var error = Check(_remaining, out header);
        if (error != RtcpError.None)
        {
            Error = error;
            header = default;
            return false;
        }

        int size = header.PacketSize;
        packet = _remaining.Slice(0, size);
        _remaining = _remaining.Slice(size);
        Offset += size;
        return true;
    }

    private static RtcpError Check(ReadOnlySpan<byte> data, out RtcpHeader header)
    {
        var error = RtcpHeader.TryRead(data, out header, out _);
        if (error != RtcpError.None)
        {
            return error;
        }

        if (header.Length == 0)
        {
            return RtcpError.EmptyPacket;
        }

        int size = header.PacketSize;
        if (size > data.Length)
        {
            return RtcpError.LengthExceedsBuffer;
        }

        if (header.Padding)
        {
            if (size != data.Length)
            {
                return RtcpError.PaddingNotLast;
            }

            int padding = data[size - 1];
            if (padding == 0 || padding > size - RtcpHeader.Size)
            {
                return RtcpError.BadPadding;
            }
        }

        return RtcpError.None;
    }
}
