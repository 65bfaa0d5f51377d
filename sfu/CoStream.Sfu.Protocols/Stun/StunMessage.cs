using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace CoStream.Sfu.Protocols.Stun;

/// <summary>
/// A validated STUN message (RFC 5389 / RFC 8489) viewed over the caller's bytes; nothing is copied.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |0 0|     STUN Message Type     |         Message Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Magic Cookie                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// |                     Transaction ID (96 bits)                  |
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Type                  |            Length             |  attributes,
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  each padded
/// |                         Value (variable)                ....     to 4 bytes
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Only the first occurrence of an attribute counts (RFC 5389 §15). A datagram holds exactly one
/// message, so the length field must account for every byte after the header.
/// </summary>
public readonly ref partial struct StunMessage
{
    public const int HeaderLength = 20;
    public const uint MagicCookie = 0x2112A442;
    internal const int TypeOffset = 0;
    internal const int LengthOffset = 2;
    internal const int MagicCookieOffset = 4;
    internal const int TransactionIdOffset = 8;
    internal const int AttributeHeaderLength = 4;
    internal const int MessageIntegrityLength = 20;  // HMAC-SHA1
    internal const int FingerprintLength = 4;        // CRC-32
    internal const int MaxUsernameLength = 513;      // RFC 5389 §15.3
    internal const int MaxTextLength = 763;          // SOFTWARE, REALM, NONCE, reason phrase (RFC 5389 §15)
    private const int PriorityLength = 4;
    private const int TieBreakerLength = 8;
    private const int ErrorCodeHeaderLength = 4;
    private const int ErrorClassOffset = 2;
    private const int ErrorNumberOffset = 3;
    private const int MessageIntegritySha256MaxLength = 32;

    private readonly ReadOnlySpan<byte> _data;
    private readonly Layout _layout;

    private StunMessage(ReadOnlySpan<byte> data, Layout layout)
    {
        _data = data;
        _layout = layout;
    }

    /// <summary>The whole message as read.</summary>
    public ReadOnlySpan<byte> Bytes => _data;

    public StunMessageType Type => StunMessageType.FromUInt16(BinaryPrimitives.ReadUInt16BigEndian(_data));

    public ReadOnlySpan<byte> TransactionIdBytes => _data.Slice(TransactionIdOffset, StunTransactionId.Length);

    public StunTransactionId TransactionId => new(TransactionIdBytes);

    /// <summary>Number of attributes in the message, including repeated and unknown ones.</summary>
    public int AttributeCount => _layout.AttributeCount;

    /// <summary>True when an attribute in 0x0000-0x7FFF that this reader does not know is present
    /// (a server should answer 420 Unknown Attribute; ICE peers never send one).</summary>
    public bool HasUnknownComprehensionRequired => _layout.UnknownComprehensionRequired;

    public bool HasMessageIntegrity => _layout.MessageIntegrity != 0;

    public bool HasFingerprint => _layout.Fingerprint != 0;

    public bool HasUsername => _layout.Username.Offset != 0;

    public ReadOnlySpan<byte> Username => Value(_layout.Username);

    public ReadOnlySpan<byte> Software => Value(_layout.Software);

    public ReadOnlySpan<byte> Realm => Value(_layout.Realm);

    public ReadOnlySpan<byte> Nonce => Value(_layout.Nonce);

    public bool HasPriority => _layout.Priority != 0;

    /// <summary>PRIORITY (RFC 8445 §7.1.1), 0 when absent.</summary>
    public uint Priority => _layout.Priority == 0 ? 0 : BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(_layout.Priority));

    /// <summary>USE-CANDIDATE present (RFC 8445 §7.1.2).</summary>
    public bool UseCandidate => _layout.UseCandidate;

    public bool HasIceControlling => _layout.IceControlling != 0;

    public bool HasIceControlled => _layout.IceControlled != 0;

    /// <summary>ICE-CONTROLLING tie-breaker, 0 when absent.</summary>
    public ulong IceControlling => _layout.IceControlling == 0 ? 0 : BinaryPrimitives.ReadUInt64BigEndian(_data.Slice(_layout.IceControlling));

    /// <summary>ICE-CONTROLLED tie-breaker, 0 when absent.</summary>
    public ulong IceControlled => _layout.IceControlled == 0 ? 0 : BinaryPrimitives.ReadUInt64BigEndian(_data.Slice(_layout.IceControlled));

    public bool HasXorMappedAddress => _layout.XorMappedAddress.Offset != 0;

    /// <summary>XOR-MAPPED-ADDRESS decoded (allocates an <see cref="IPEndPoint"/>), null when absent.</summary>
    public IPEndPoint? XorMappedAddress =>
        HasXorMappedAddress ? StunXorAddress.Decode(Value(_layout.XorMappedAddress), _data) : null;

    public bool HasErrorCode => _layout.ErrorCode.Offset != 0;

    /// <summary>ERROR-CODE number (class * 100 + number, e.g. 401), 0 when absent.</summary>
    public int ErrorCode
    {
        get
        {
            if (!HasErrorCode)
            {
                return 0;
            }

            ReadOnlySpan<byte> value = Value(_layout.ErrorCode);
            return ((value[ErrorClassOffset] & 0x07) * 100) + value[ErrorNumberOffset];
        }
    }

    /// <summary>ERROR-CODE reason phrase (UTF-8), empty when absent.</summary>
    public ReadOnlySpan<byte> ErrorReason => HasErrorCode ? Value(_layout.ErrorCode).Slice(ErrorCodeHeaderLength) : default;

    public string UsernameString => Encoding.UTF8.GetString(Username);

    /// <summary>The value of the first attribute of <paramref name="type"/>; walks the attributes.</summary>
    public bool TryGetAttribute(StunAttributeType type, out ReadOnlySpan<byte> value)
    {
        foreach (StunAttribute attribute in Attributes)
        {
            if (attribute.Type == type)
            {
                value = attribute.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Every attribute in wire order.</summary>
    public StunAttributeEnumerator Attributes => new(_data.Slice(HeaderLength));

    private ReadOnlySpan<byte> Value(Slot slot) => slot.Offset == 0 ? default : _data.Slice(slot.Offset, slot.Length);

    /// <summary>
    /// Validates the header and every attribute's bounds, lengths and order, and remembers where
    /// the attributes ICE uses start. Never throws for any input.
    /// </summary>
    public static StunError TryRead(ReadOnlySpan<byte> data, out StunMessage message, out int consumed)
    {
        message = default;
        consumed = 0;
        StunError error = ReadHeader(data, out int messageLength);
        if (error != StunError.None)
        {
            return error;
        }

        if (HeaderLength + messageLength < data.Length)
        {
            return StunError.TrailingBytes;
        }

        var layout = default(Layout);
        error = ReadAttributes(data, ref layout);
        if (error != StunError.None)
        {
            return error;
        }

        message = new StunMessage(data, layout);
        consumed = data.Length;
        return StunError.None;
    }

    /// <summary>Header checks shared by the full reader and the username peek.</summary>
    private static StunError ReadHeader(ReadOnlySpan<byte> data, out int messageLength)
    {
        messageLength = 0;
        if (data.Length < HeaderLength)
        {
            return StunError.TooShort;
        }

        if ((data[TypeOffset] & 0xC0) != 0)
        {
            return StunError.NotStun;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(data.Slice(MagicCookieOffset)) != MagicCookie)
        {
            return StunError.BadMagicCookie;
        }

        messageLength = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(LengthOffset));
        if ((messageLength & 3) != 0)
        {
            return StunError.LengthNotMultipleOfFour;
        }

        if (messageLength > data.Length - HeaderLength)
        {
            return StunError.Truncated;
        }

        return StunError.None;
    }

    private static StunError ReadAttributes(ReadOnlySpan<byte> data, ref Layout layout)
    {
        int position = HeaderLength;
        int end = data.Length;
        while (position < end)
        {
            if (end - position < AttributeHeaderLength)
            {
                return StunError.AttributeTruncated;
            }

            var type = (StunAttributeType)BinaryPrimitives.ReadUInt16BigEndian(data.Slice(position));
            int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(position + 2));
            int padded = (length + 3) & ~3;
            int valueOffset = position + AttributeHeaderLength;
            if (padded > end - valueOffset)
            {
                return StunError.AttributeTruncated;
            }

            if (layout.Fingerprint != 0)
            {
                return StunError.AttributeAfterFingerprint;
            }

            if (layout.MessageIntegrity != 0
                && type != StunAttributeType.Fingerprint
                && type != StunAttributeType.MessageIntegritySha256)
            {
                return StunError.AttributeAfterMessageIntegrity;
            }

            StunError error = ReadKnownAttribute(data, type, position, valueOffset, length, ref layout);
            if (error != StunError.None)
            {
                return error;
            }

            layout.AttributeCount++;
            position = valueOffset + padded;
        }

        return StunError.None;
    }

    private static StunError ReadKnownAttribute(
        ReadOnlySpan<byte> data, StunAttributeType type, int position, int valueOffset, int length, ref Layout layout)
    {
        switch (type)
        {
            case StunAttributeType.Username:
                return Remember(ref layout.Username, valueOffset, length, length <= MaxUsernameLength);
            case StunAttributeType.Software:
                return Remember(ref layout.Software, valueOffset, length, length <= MaxTextLength);
            case StunAttributeType.Realm:
                return Remember(ref layout.Realm, valueOffset, length, length <= MaxTextLength);
            case StunAttributeType.Nonce:
                return Remember(ref layout.Nonce, valueOffset, length, length <= MaxTextLength);
            case StunAttributeType.MessageIntegrity:
                if (length != MessageIntegrityLength)
                {
                    return StunError.BadAttributeLength;
                }

                layout.MessageIntegrity = position;
                return StunError.None;
            case StunAttributeType.MessageIntegritySha256:
                return length is >= 16 and <= MessageIntegritySha256MaxLength && (length & 3) == 0
                    ? StunError.None
                    : StunError.BadAttributeLength;
            case StunAttributeType.Fingerprint:
                if (length != FingerprintLength)
                {
                    return StunError.BadAttributeLength;
                }

                layout.Fingerprint = position;
                return StunError.None;
            case StunAttributeType.Priority:
                return RememberFixed(ref layout.Priority, valueOffset, length, PriorityLength);
            case StunAttributeType.UseCandidate:
                if (length != 0)
                {
                    return StunError.BadAttributeLength;
                }

                layout.UseCandidate = true;
                return StunError.None;
            case StunAttributeType.IceControlling:
                return RememberFixed(ref layout.IceControlling, valueOffset, length, TieBreakerLength);
            case StunAttributeType.IceControlled:
                return RememberFixed(ref layout.IceControlled, valueOffset, length, TieBreakerLength);
            case StunAttributeType.XorMappedAddress:
                return ReadXorMappedAddress(data, valueOffset, length, ref layout);
            case StunAttributeType.ErrorCode:
                return ReadErrorCode(data, valueOffset, length, ref layout);
            default:
                if ((ushort)type < 0x8000 && type != StunAttributeType.MappedAddress && type != StunAttributeType.UnknownAttributes)
                {
                    layout.UnknownComprehensionRequired = true;
                }

                return StunError.None;
        }
    }

    private static StunError ReadXorMappedAddress(ReadOnlySpan<byte> data, int valueOffset, int length, ref Layout layout)
    {
        if (length != StunXorAddress.IPv4ValueLength && length != StunXorAddress.IPv6ValueLength)
        {
            return StunError.BadAttributeLength;
        }

        byte family = data[valueOffset + 1];
        bool familyMatches = (family == StunXorAddress.FamilyIPv4 && length == StunXorAddress.IPv4ValueLength)
            || (family == StunXorAddress.FamilyIPv6 && length == StunXorAddress.IPv6ValueLength);
        if (!familyMatches)
        {
            return StunError.BadAddressFamily;
        }

        return Remember(ref layout.XorMappedAddress, valueOffset, length, true);
    }

    private static StunError ReadErrorCode(ReadOnlySpan<byte> data, int valueOffset, int length, ref Layout layout)
    {
        if (length < ErrorCodeHeaderLength || length > ErrorCodeHeaderLength + MaxTextLength)
        {
            return StunError.BadAttributeLength;
        }

        int errorClass = data[valueOffset + ErrorClassOffset] & 0x07;
        int number = data[valueOffset + ErrorNumberOffset];
        if (errorClass < 3 || errorClass > 6 || number > 99)
        {
            return StunError.BadErrorCode;
        }

        return Remember(ref layout.ErrorCode, valueOffset, length, true);
    }

    private static StunError Remember(ref Slot slot, int valueOffset, int length, bool lengthAllowed)
    {
        if (!lengthAllowed)
        {
            return StunError.BadAttributeLength;
        }

        if (slot.Offset == 0)
        {
            slot = new Slot(valueOffset, length);
        }

        return StunError.None;
    }

    private static StunError RememberFixed(ref int offset, int valueOffset, int length, int expected)
    {
        if (length != expected)
        {
            return StunError.BadAttributeLength;
        }

        if (offset == 0)
        {
            offset = valueOffset;
        }

        return StunError.None;
    }

    /// <summary>Where an attribute's value sits; offset 0 means absent (no value starts inside the header).</summary>
    private readonly record struct Slot(int Offset, int Length);

    /// <summary>Offsets found by one pass over the attributes.</summary>
    private struct Layout
    {
        public Slot Username;
        public Slot Software;
        public Slot Realm;
        public Slot Nonce;
        public Slot XorMappedAddress;
        public Slot ErrorCode;
        public int Priority;
        public int IceControlling;
        public int IceControlled;
        public int MessageIntegrity;  // start of the attribute header
        public int Fingerprint;       // start of the attribute header
        public bool UseCandidate;
        public bool UnknownComprehensionRequired;
        public int AttributeCount;
    }
}
