using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>The common RTCP header (RFC 3550 §6.4.1, RFC 4585 §6.1).</summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P| RC/FMT  |      PT       |             length            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// length is the packet size in 32-bit words minus one, header and padding included.
/// </remarks>
public readonly struct RtcpHeader
{
    public const int Size = 4;
    public const int Version = 2;
    public const int MaxCount = 31;
    internal const int LengthOffset = 2;
    private const int VersionShift = 6;
    private const byte PaddingBit = 0x20;
    private const byte CountMask = 0x1F;

    public RtcpHeader(bool padding, byte count, RtcpPacketType packetType, ushort length)
    {
        if (count > MaxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "RC/FMT is a 5-bit field.");
        }

        Padding = padding;
        Count = count;
        PacketType = packetType;
        Length = length;
    }

    /// <summary>P bit: the last byte of the packet counts the padding bytes.</summary>
    public bool Padding { get; }

    /// <summary>Report / source count, or FMT for feedback messages (5 bits).</summary>
    public byte Count { get; }

    /// <summary>Same field as <see cref="Count"/>, named as RFC 4585 names it.</summary>
    public byte Format => Count;

    public RtcpPacketType PacketType { get; }

    /// <summary>Raw length field: 32-bit words minus one.</summary>
    public ushort Length { get; }

    /// <summary>Packet size in bytes, header and padding included.</summary>
    public int PacketSize => (Length + 1) * 4;

    /// <summary>Reads the 4 header bytes. Checks only the version; the length is not checked against the buffer.</summary>
    public static RtcpError TryRead(ReadOnlySpan<byte> data, out RtcpHeader header, out int consumed)
    {
        header = default;
        consumed = 0;
        if (data.Length < Size)
        {
            return RtcpError.TooShort;
        }

        if (data[0] >> VersionShift != Version)
        {
            return RtcpError.BadVersion;
        }

        header = new RtcpHeader(
            (data[0] & PaddingBit) != 0,
            (byte)(data[0] & CountMask),
            (RtcpPacketType)data[1],
            BinaryPrimitives.ReadUInt16BigEndian(data.Slice(LengthOffset)));
        consumed = Size;
        return RtcpError.None;
    }

    public int GetSize() => Size;

    public int WriteTo(Span<byte> destination)
    {
        RtcpWriter.EnsureSpace(destination, Size);
        destination[0] = (byte)((Version << VersionShift) | (Padding ? PaddingBit : 0) | Count);
        destination[1] = (byte)PacketType;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(LengthOffset), Length);
        return Size;
    }

    /// <summary>Writes a header without padding for a packet of <paramref name="packetSize"/> bytes (a multiple of 4).</summary>
    internal static void Write(Span<byte> destination, int count, RtcpPacketType packetType, int packetSize)
    {
        new RtcpHeader(false, (byte)count, packetType, (ushort)(packetSize / 4 - 1)).WriteTo(destination);
    }
}
