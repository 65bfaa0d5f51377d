namespace CoStream.Sfu.Protocols.Rtp;

/*
 RFC 8285 §4.2 one-byte form (profile 0xBEDE), IDs 1..14, values 1..16 bytes:

    0                   1                   2                   3
    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |       0xBE    |    0xDE       |           length=3            |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |  ID   | L=0   |     data      |  ID   |  L=1  |   data...
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
         ...data   |    0 (pad)    |    0 (pad)    |  ID   | L=3   |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |                          data                                 |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

 L is the value length minus one. ID 15 ends processing (elements before it still count).

 RFC 8285 §4.3 two-byte form (profile 0x100 + appbits), IDs 1..255, values 0..255 bytes:

   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |       0x10    |    0x0X       |           length=3            |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |      ID       |     L=0       |     ID        |     L=1       |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |       data    |    0 (pad)    |       ID      |      L=4      |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |                          data                                 |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

 In both forms a zero byte between (or after) elements is padding.
*/

/// <summary>
/// Finds, enumerates, rewrites and blanks RFC 8285 header extension elements of a packet that
/// <see cref="RtpHeader.TryRead"/> accepted. All offsets are relative to the packet start.
/// </summary>
public static class RtpHeaderExtensions
{
    public const ushort OneByteProfile = 0xBEDE;
    public const ushort TwoByteProfile = 0x1000;
    internal const ushort TwoByteProfileMask = 0xFFF0;

    public const int OneByteMinId = 1;
    public const int OneByteMaxId = 14;
    public const int OneByteReservedId = 15;
    public const int OneByteMaxValueLength = 16;
    public const int TwoByteMaxId = 255;
    public const int TwoByteMaxValueLength = 255;

    internal const int OneByteElementHeaderSize = 1;
    internal const int TwoByteElementHeaderSize = 2;
    internal const byte PaddingByte = 0;

    public static bool IsOneByteProfile(ushort profile) => profile == OneByteProfile;

    /// <summary>0x1000..0x100F: the low 4 bits are "appbits" (RFC 8285 §4.3).</summary>
    public static bool IsTwoByteProfile(ushort profile) => (profile & TwoByteProfileMask) == TwoByteProfile;

    /// <summary>
    /// Enumerates the elements of the packet's extension. To learn why enumeration stopped, drive
    /// it with <c>while (e.MoveNext())</c> and read <see cref="RtpExtensionEnumerator.Error"/>
    /// afterwards (<c>foreach</c> works on a copy, so its Error stays unseen).
    /// </summary>
    public static RtpExtensionEnumerator Enumerate(ReadOnlySpan<byte> packet, in RtpHeader header) =>
        new(packet, header);

    /// <summary>
    /// Finds the element with <paramref name="id"/>. Returns false when the packet has no
    /// extension, an unknown profile, no such element, or a malformed body before the element.
    /// </summary>
    public static bool TryFindExtension(
        ReadOnlySpan<byte> packet, in RtpHeader header, int id, out int valueOffset, out int valueLength)
    {
        var enumerator = new RtpExtensionEnumerator(packet, header);
        while (enumerator.MoveNext())
        {
            RtpExtensionElement element = enumerator.Current;
            if (element.Id == id)
            {
                valueOffset = element.ValueOffset;
                valueLength = element.ValueLength;
                return true;
            }
        }

        valueOffset = 0;
        valueLength = 0;
        return false;
    }

    /// <summary>Span form of <see cref="TryFindExtension"/>: the value as a slice of the packet.</summary>
    public static bool TryGetExtension(ReadOnlySpan<byte> packet, in RtpHeader header, int id, out ReadOnlySpan<byte> value)
    {
        if (TryFindExtension(packet, header, id, out int offset, out int length))
        {
            value = packet.Slice(offset, length);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Overwrites the value of element <paramref name="id"/> in place. The new value must have the
    /// same length as the current one (the packet does not move); returns false otherwise.
    /// </summary>
    public static bool TrySetExtensionValue(Span<byte> packet, in RtpHeader header, int id, ReadOnlySpan<byte> value)
    {
        if (!TryFindExtension(packet, header, id, out int offset, out int length) || length != value.Length)
        {
            return false;
        }

        value.CopyTo(packet.Slice(offset, length));
        return true;
    }

    /// <summary>
    /// Blanks element <paramref name="id"/> so a receiver no longer sees it: its header and value
    /// bytes become zero, which RFC 8285 defines as padding in both the one-byte and the two-byte
    /// form. The packet keeps its size (no memmove, SRTP is applied afterwards). Returns false when
    /// the element is not present.
    /// </summary>
    public static bool ClearExtension(Span<byte> packet, in RtpHeader header, int id)
    {
        if (!TryFindExtension(packet, header, id, out int offset, out int length))
        {
            return false;
        }

        int elementHeader = header.IsOneByteExtension ? OneByteElementHeaderSize : TwoByteElementHeaderSize;
        packet.Slice(offset - elementHeader, elementHeader + length).Clear();
        return true;
    }

    /// <summary>
    /// Blanks every element whose id <paramref name="keep"/> does not know (kind
    /// <see cref="RtpExtensionKind.None"/>), e.g. extensions a subscriber did not negotiate.
    /// Returns the number of elements blanked. A malformed body is left as it is.
    /// </summary>
    public static int ClearUnmapped(Span<byte> packet, in RtpHeader header, RtpExtensionMap keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        int elementHeader = header.IsOneByteExtension ? OneByteElementHeaderSize : TwoByteElementHeaderSize;
        int cleared = 0;

        // Blanking only turns bytes into padding, which the enumerator skips, so it is safe to
        // keep enumerating the same packet while clearing.
        var enumerator = new RtpExtensionEnumerator(packet, header);
        while (enumerator.MoveNext())
        {
            RtpExtensionElement element = enumerator.Current;
            if (keep.GetKind(element.Id) == RtpExtensionKind.None)
            {
                packet.Slice(element.ValueOffset - elementHeader, elementHeader + element.ValueLength).Clear();
                cleared++;
            }
        }

        return cleared;
    }
}
