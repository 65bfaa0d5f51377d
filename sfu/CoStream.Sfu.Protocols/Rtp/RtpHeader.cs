using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtp;

/*
 RFC 3550 §5.1 RTP fixed header, RFC 3550 §5.3.1 / RFC 8285 header extension:

    0                   1                   2                   3
    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |V=2|P|X|  CC   |M|     PT      |       sequence number         |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |                           timestamp                           |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |           synchronization source (SSRC) identifier            |
   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
   |            contributing source (CSRC) identifiers             |
   |                             ....                              |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |      defined by profile       |           length              |   (if X)
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |                  header extension body (length * 4)           |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |                  payload ...                  | padding | count |   (if P)
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
*/

/// <summary>
/// Parsed fields of an RTP header (RFC 3550 §5.1). Offsets point into the packet the header was
/// read from, so the payload and the extension body are slices of that packet, never copies.
/// </summary>
public readonly struct RtpHeader
{
    public const int Version = 2;
    public const int FixedHeaderSize = 12;
    public const int CsrcSize = 4;
    public const int MaxCsrcCount = 15;
    public const int ExtensionHeaderSize = 4;

    internal const int FirstByteOffset = 0;
    internal const int SecondByteOffset = 1;
    internal const int SequenceNumberOffset = 2;
    internal const int TimestampOffset = 4;
    internal const int SsrcOffset = 8;
    internal const int CsrcOffset = 12;

    internal const byte VersionMask = 0xC0;
    internal const int VersionShift = 6;
    internal const byte PaddingBit = 0x20;
    internal const byte ExtensionBit = 0x10;
    internal const byte CsrcCountMask = 0x0F;
    internal const byte MarkerBit = 0x80;
    internal const byte PayloadTypeMask = 0x7F;

    public RtpHeader(
        bool marker, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc,
        int csrcCount, bool hasExtension, ushort extensionProfile, int extensionOffset,
        int extensionLength, int payloadOffset, int paddingLength, int payloadLength)
    {
        Marker = marker;
        PayloadType = payloadType;
        SequenceNumber = sequenceNumber;
        Timestamp = timestamp;
        Ssrc = ssrc;
        CsrcCount = csrcCount;
        HasExtension = hasExtension;
        ExtensionProfile = extensionProfile;
        ExtensionOffset = extensionOffset;
        ExtensionLength = extensionLength;
        PayloadOffset = payloadOffset;
        PaddingLength = paddingLength;
        PayloadLength = payloadLength;
    }

    public bool Marker { get; }
    public byte PayloadType { get; }
    public ushort SequenceNumber { get; }
    public uint Timestamp { get; }
    public uint Ssrc { get; }
    public int CsrcCount { get; }
    public bool HasExtension { get; }

    /// <summary>The 16-bit "defined by profile" field: 0xBEDE one-byte, 0x100X two-byte (RFC 8285).</summary>
    public ushort ExtensionProfile { get; }

    /// <summary>Offset in the packet of the extension body (after profile and length); 0 without X.</summary>
    public int ExtensionOffset { get; }

    /// <summary>Length in bytes of the extension body (the length field * 4); 0 without X.</summary>
    public int ExtensionLength { get; }

    /// <summary>Offset of the payload, equal to the header size.</summary>
    public int PayloadOffset { get; }

    /// <summary>Number of padding bytes at the end of the packet, the count byte included; 0 without P.</summary>
    public int PaddingLength { get; }

    /// <summary>Payload length, padding excluded.</summary>
    public int PayloadLength { get; }

    public bool HasPadding => PaddingLength != 0;

    /// <summary>Header size: fixed header, CSRCs and extension.</summary>
    public int HeaderSize => PayloadOffset;

    public bool IsOneByteExtension => HasExtension && RtpHeaderExtensions.IsOneByteProfile(ExtensionProfile);

    public bool IsTwoByteExtension => HasExtension && RtpHeaderExtensions.IsTwoByteProfile(ExtensionProfile);

    /// <summary>Reads the i-th CSRC from the packet this header was parsed from.</summary>
    public uint GetCsrc(ReadOnlySpan<byte> packet, int index)
    {
        if ((uint)index >= (uint)CsrcCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        return BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(CsrcOffset + (index * CsrcSize)));
    }

    /// <summary>The payload (padding excluded) as a slice of <paramref name="packet"/>.</summary>
    public ReadOnlySpan<byte> GetPayload(ReadOnlySpan<byte> packet) => packet.Slice(PayloadOffset, PayloadLength);

    /// <summary>The extension body as a slice of <paramref name="packet"/> (empty without X).</summary>
    public ReadOnlySpan<byte> GetExtensionBody(ReadOnlySpan<byte> packet) => packet.Slice(ExtensionOffset, ExtensionLength);

    /// <summary>
    /// Parses the header of <paramref name="packet"/>. On success <paramref name="consumed"/> is the
    /// header size (= <see cref="PayloadOffset"/>). Never throws on malformed input.
    /// </summary>
    public static RtpError TryRead(ReadOnlySpan<byte> packet, out RtpHeader header, out int consumed)
    {
        header = default;
        consumed = 0;

        if (packet.Length < FixedHeaderSize)
        {
            return RtpError.TooShort;
        }

        byte first = packet[FirstByteOffset];
        if ((first & VersionMask) >> VersionShift != Version)
        {
            return RtpError.BadVersion;
        }

        int csrcCount = first & CsrcCountMask;
        int offset = CsrcOffset + (csrcCount * CsrcSize);
        if (offset > packet.Length)
        {
            return RtpError.CsrcOutOfBounds;
        }

        bool hasExtension = (first & ExtensionBit) != 0;
        ushort profile = 0;
        int extensionOffset = 0;
        int extensionLength = 0;
        if (hasExtension)
        {
            if (offset + ExtensionHeaderSize > packet.Length)
            {
                return RtpError.ExtensionHeaderOutOfBounds;
            }

            profile = BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(offset));
            extensionLength = BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(offset + 2)) * 4;
            extensionOffset = offset + ExtensionHeaderSize;
            offset = extensionOffset + extensionLength;
            if (offset > packet.Length)
            {
                return RtpError.ExtensionBodyOutOfBounds;
            }
        }

        int paddingLength = 0;
        if ((first & PaddingBit) != 0)
        {
            if (offset == packet.Length)
            {
                // The last byte would belong to the header, not to padding.
                return RtpError.PaddingExceedsPayload;
            }

            paddingLength = packet[packet.Length - 1];
            if (paddingLength == 0)
            {
                return RtpError.PaddingZero;
            }

            if (paddingLength > packet.Length - offset)
            {
                return RtpError.PaddingExceedsPayload;
            }
        }

        byte second = packet[SecondByteOffset];
        header = new RtpHeader(
            marker: (second & MarkerBit) != 0,
            payloadType: (byte)(second & PayloadTypeMask),
            sequenceNumber: BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(SequenceNumberOffset)),
            timestamp: BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(TimestampOffset)),
            ssrc: BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(SsrcOffset)),
            csrcCount: csrcCount,
            hasExtension: hasExtension,
            extensionProfile: profile,
            extensionOffset: extensionOffset,
            extensionLength: extensionLength,
            payloadOffset: offset,
            paddingLength: paddingLength,
            payloadLength: packet.Length - offset - paddingLength);
        consumed = offset;
        return RtpError.None;
    }

    // In-place rewriters for the forwarding hot path. The packet must already have been accepted
    // by TryRead (at least the 12-byte fixed header), so these only touch fixed offsets.

    public static void SetSequenceNumber(Span<byte> packet, ushort sequenceNumber) =>
        BinaryPrimitives.WriteUInt16BigEndian(packet.Slice(SequenceNumberOffset), sequenceNumber);

    public static void SetTimestamp(Span<byte> packet, uint timestamp) =>
        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(TimestampOffset), timestamp);

    public static void SetSsrc(Span<byte> packet, uint ssrc) =>
        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(SsrcOffset), ssrc);

    /// <summary>Rewrites the 7-bit payload type, keeping the marker bit.</summary>
    public static void SetPayloadType(Span<byte> packet, byte payloadType)
    {
        if (payloadType > PayloadTypeMask)
        {
            throw new ArgumentOutOfRangeException(nameof(payloadType), "RTP payload type is 7 bits.");
        }

        ref byte second = ref packet[SecondByteOffset];
        second = (byte)((second & MarkerBit) | payloadType);
    }

    /// <summary>Sets or clears the marker bit, keeping the payload type.</summary>
    public static void SetMarker(Span<byte> packet, bool marker)
    {
        ref byte second = ref packet[SecondByteOffset];
        second = marker ? (byte)(second | MarkerBit) : (byte)(second & PayloadTypeMask);
    }
}
