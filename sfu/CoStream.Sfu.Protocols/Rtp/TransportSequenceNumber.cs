using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtp;

/*
 draft-holmer-rmcat-transport-wide-cc-extensions-01 §2, one-byte form:

    0                   1                   2
    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |  ID   | L=1   |transport-wide sequence number |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
*/

/// <summary>The transport-wide congestion control sequence number (a 16-bit value).</summary>
public static class TransportSequenceNumber
{
    public const int ValueLength = 2;

    public static RtpError TryRead(ReadOnlySpan<byte> value, out ushort sequenceNumber)
    {
        if (value.Length != ValueLength)
        {
            sequenceNumber = 0;
            return RtpError.ExtensionValueLength;
        }

        sequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(value);
        return RtpError.None;
    }

    /// <summary>Writes the big-endian sequence number; returns 2.</summary>
    public static int WriteTo(Span<byte> destination, ushort sequenceNumber)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, sequenceNumber);
        return ValueLength;
    }

    /// <summary>
    /// Rewrites the value of element <paramref name="id"/> in place: the SFU numbers each outgoing
    /// transport anew. Returns false when the element is absent or not 2 bytes long.
    /// </summary>
    public static bool TryRewrite(Span<byte> packet, in RtpHeader header, int id, ushort sequenceNumber)
    {
        if (!RtpHeaderExtensions.TryFindExtension(packet, header, id, out int offset, out int length) || length != ValueLength)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet.Slice(offset), sequenceNumber);
        return true;
    }
}
