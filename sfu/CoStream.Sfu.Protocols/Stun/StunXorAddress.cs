using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace CoStream.Sfu.Protocols.Stun;

/// <summary>
/// XOR-MAPPED-ADDRESS value (RFC 5389 §15.2):
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |x x x x x x x x|    Family     |         X-Port                |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                X-Address (Variable)
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// X-Port is the port XOR the cookie's top 16 bits; an IPv4 X-Address is XOR the cookie,
/// an IPv6 one XOR the cookie followed by the transaction id.
/// </summary>
internal static class StunXorAddress
{
    public const byte FamilyIPv4 = 0x01;
    public const byte FamilyIPv6 = 0x02;
    public const int IPv4ValueLength = 8;
    public const int IPv6ValueLength = 20;

    private const int FamilyOffset = 1;
    private const int PortOffset = 2;
    private const int AddressOffset = 4;
    private const int IPv4Length = 4;
    private const int IPv6Length = 16;

    /// <summary>The value length for an end point (IPv4-mapped IPv6 is written as IPv4).</summary>
    public static int GetValueLength(IPEndPoint endPoint) =>
        endPoint.AddressFamily == AddressFamily.InterNetwork || endPoint.Address.IsIPv4MappedToIPv6
            ? IPv4ValueLength
            : IPv6ValueLength;

    /// <summary><paramref name="header"/> is the 20-byte STUN header (cookie and transaction id).</summary>
    public static IPEndPoint? Decode(ReadOnlySpan<byte> value, ReadOnlySpan<byte> header)
    {
        int port = BinaryPrimitives.ReadUInt16BigEndian(value.Slice(PortOffset)) ^ (int)(StunMessage.MagicCookie >> 16);
        ReadOnlySpan<byte> mask = header.Slice(StunMessage.MagicCookieOffset, IPv6Length);
        if (value[FamilyOffset] == FamilyIPv4 && value.Length == IPv4ValueLength)
        {
            Span<byte> address = stackalloc byte[IPv4Length];
            for (int i = 0; i < IPv4Length; i++)
            {
                address[i] = (byte)(value[AddressOffset + i] ^ mask[i]);
            }

            return new IPEndPoint(new IPAddress(address), port);
        }

        if (value[FamilyOffset] == FamilyIPv6 && value.Length == IPv6ValueLength)
        {
            Span<byte> address = stackalloc byte[IPv6Length];
            for (int i = 0; i < IPv6Length; i++)
            {
                address[i] = (byte)(value[AddressOffset + i] ^ mask[i]);
            }

            return new IPEndPoint(new IPAddress(address), port);
        }

        return null;
    }

    /// <summary>Writes the value; <paramref name="destination"/> has <see cref="GetValueLength"/> bytes.</summary>
    public static void Encode(IPEndPoint endPoint, Span<byte> destination, ReadOnlySpan<byte> header)
    {
        ReadOnlySpan<byte> mask = header.Slice(StunMessage.MagicCookieOffset, IPv6Length);
        IPAddress address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
        int addressLength = v4 ? IPv4Length : IPv6Length;

        destination[0] = 0;
        destination[FamilyOffset] = v4 ? FamilyIPv4 : FamilyIPv6;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(PortOffset), (ushort)(endPoint.Port ^ (int)(StunMessage.MagicCookie >> 16)));
        Span<byte> target = destination.Slice(AddressOffset, addressLength);
        address.TryWriteBytes(target, out _);
        for (int i = 0; i < addressLength; i++)
        {
            target[i] ^= mask[i];
        }
    }
}
