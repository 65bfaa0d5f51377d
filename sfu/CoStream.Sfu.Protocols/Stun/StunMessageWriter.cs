using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace CoStream.Sfu.Protocols.Stun;

/// <summary>
/// Builds a STUN message in the caller's buffer, attribute by attribute, keeping the header's
/// length field current so the first <see cref="Length"/> bytes are always a complete message
/// (see <see cref="StunMessage"/> for the layout). Nothing is allocated.
/// <para>An Add that does not fit (or breaks the order rules: nothing after FINGERPRINT, only
/// FINGERPRINT after MESSAGE-INTEGRITY) writes nothing, returns false and sets
/// <see cref="Overflowed"/>. Invalid arguments (an error code outside 300..699, an over-long
/// value) are programming errors and throw.</para>
/// </summary>
public ref struct StunMessageWriter
{
    private const int PriorityLength = 4;
    private const int TieBreakerLength = 8;
    private const int ErrorCodeHeaderLength = 4;
    private const int MaxAttributeLength = ushort.MaxValue - 3;

    private readonly Span<byte> _buffer;
    private int _length;
    private bool _hasMessageIntegrity;
    private bool _hasFingerprint;

    public StunMessageWriter(Span<byte> buffer, StunMessageType type, StunTransactionId transactionId)
    {
        _buffer = buffer;
        _length = 0;
        _hasMessageIntegrity = false;
        _hasFingerprint = false;
        PaddingByte = 0;
        Overflowed = false;
        if (buffer.Length < StunMessage.HeaderLength)
        {
            Overflowed = true;
            return;
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer, type.ToUInt16());
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(StunMessage.LengthOffset), 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(StunMessage.MagicCookieOffset), StunMessage.MagicCookie);
        transactionId.CopyTo(buffer.Slice(StunMessage.TransactionIdOffset, StunTransactionId.Length));
        _length = StunMessage.HeaderLength;
    }

    /// <summary>Bytes written so far (0 when even the header did not fit).</summary>
    public readonly int Length => _length;

    /// <summary>The message so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer.Slice(0, _length);

    /// <summary>True once any write was refused.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Value of padding bytes (RFC 5389 lets them be anything; RFC 5769 vectors use 0x20).</summary>
    public byte PaddingByte { get; set; }

    public bool AddUsername(ReadOnlySpan<byte> username)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(username.Length, StunMessage.MaxUsernameLength, nameof(username));
        return AddAttribute(StunAttributeType.Username, username);
    }

    public bool AddUsername(string username) => AddText(StunAttributeType.Username, username, StunMessage.MaxUsernameLength);

    public bool AddSoftware(string software) => AddText(StunAttributeType.Software, software, StunMessage.MaxTextLength);

    public bool AddPriority(uint priority)
    {
        if (!TryReserve(StunAttributeType.Priority, PriorityLength, out Span<byte> value))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(value, priority);
        return true;
    }

    public bool AddUseCandidate() => TryReserve(StunAttributeType.UseCandidate, 0, out _);

    public bool AddIceControlling(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlling, tieBreaker);

    public bool AddIceControlled(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlled, tieBreaker);

    /// <summary>IPv4, IPv6, or IPv4-mapped IPv6 (written as IPv4, as a dual-mode socket reports IPv4 peers).</summary>
    public bool AddXorMappedAddress(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (!TryReserve(StunAttributeType.XorMappedAddress, StunXorAddress.GetValueLength(endPoint), out Span<byte> value))
        {
            return false;
        }

        StunXorAddress.Encode(endPoint, value, _buffer);
        return true;
    }

    /// <summary>ERROR-CODE (RFC 5389 §15.6): <paramref name="code"/> in 300..699 and a UTF-8 reason phrase.</summary>
    public bool AddErrorCode(int code, string reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(code, 300, nameof(code));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, 699, nameof(code));
        ArgumentNullException.ThrowIfNull(reason);
        int reasonLength = Encoding.UTF8.GetByteCount(reason);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reasonLength, StunMessage.MaxTextLength, nameof(reason));
        if (!TryReserve(StunAttributeType.ErrorCode, ErrorCodeHeaderLength + reasonLength, out Span<byte> value))
        {
            return false;
        }

        value[0] = 0;
        value[1] = 0;
        value[2] = (byte)(code / 100);
        value[3] = (byte)(code % 100);
        Encoding.UTF8.GetBytes(reason, value.Slice(ErrorCodeHeaderLength));
        return true;
    }

    /// <summary>MESSAGE-INTEGRITY over everything written so far; only FINGERPRINT may follow.</summary>
    public bool AddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        int start = _length;
        if (!TryReserve(StunAttributeType.MessageIntegrity, StunMessage.MessageIntegrityLength, out Span<byte> value))
        {
            return false;
        }

        // The header length already counts this attribute, which is what the HMAC input needs.
        StunMessage.ComputeMessageIntegrity(_buffer.Slice(0, start), key, value);
        _hasMessageIntegrity = true;
        return true;
    }

    /// <summary>FINGERPRINT over everything written so far; must be the last attribute.</summary>
    public bool AddFingerprint()
    {
        int start = _length;
        if (!TryReserve(StunAttributeType.Fingerprint, StunMessage.FingerprintLength, out Span<byte> value))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(value, StunMessage.ComputeFingerprint(_buffer.Slice(0, start)));
        _hasFingerprint = true;
        return true;
    }

    /// <summary>Any attribute as raw bytes (ordering rules still apply).</summary>
    public bool AddAttribute(StunAttributeType type, ReadOnlySpan<byte> value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, MaxAttributeLength, nameof(value));
        if (!TryReserve(type, value.Length, out Span<byte> destination))
        {
            return false;
        }

        value.CopyTo(destination);
        return true;
    }

    private bool AddText(StunAttributeType type, string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        int length = Encoding.UTF8.GetByteCount(text);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, maxLength, nameof(text));
        if (!TryReserve(type, length, out Span<byte> value))
        {
            return false;
        }

        Encoding.UTF8.GetBytes(text, value);
        return true;
    }

    private bool AddUInt64(StunAttributeType type, ulong number)
    {
        if (!TryReserve(type, TieBreakerLength, out Span<byte> value))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt64BigEndian(value, number);
        return true;
    }

    /// <summary>Writes the TLV header and padding, updates the message length, hands back the value bytes.</summary>
    private bool TryReserve(StunAttributeType type, int valueLength, out Span<byte> value)
    {
        value = default;
        bool orderAllows = !_hasFingerprint
            && (!_hasMessageIntegrity || type == StunAttributeType.Fingerprint);
        int padded = (valueLength + 3) & ~3;
        int total = StunMessage.AttributeHeaderLength + padded;
        int newLength = _length + total;
        bool fits = _length >= StunMessage.HeaderLength
            && total <= _buffer.Length - _length
            && newLength - StunMessage.HeaderLength <= ushort.MaxValue;
        if (!orderAllows || !fits)
        {
            Overflowed = true;
            return false;
        }

        Span<byte> attribute = _buffer.Slice(_length, total);
        BinaryPrimitives.WriteUInt16BigEndian(attribute, (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(attribute.Slice(2), (ushort)valueLength);
        attribute.Slice(StunMessage.AttributeHeaderLength + valueLength).Fill(PaddingByte);
        value = attribute.Slice(StunMessage.AttributeHeaderLength, valueLength);
        _length = newLength;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(StunMessage.LengthOffset), (ushort)(newLength - StunMessage.HeaderLength));
        return true;
    }
}
