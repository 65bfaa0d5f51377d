using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Stun;

/// <summary>
/// One attribute TLV (RFC 5389 §15):
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Type                  |            Length             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Value (variable)                ....
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// The value is padded to a multiple of four bytes; Length excludes the padding.
/// </summary>
public readonly ref struct StunAttribute
{
    public StunAttribute(StunAttributeType type, ReadOnlySpan<byte> value)
    {
        Type = type;
        Value = value;
    }

    public StunAttributeType Type { get; }

    public ReadOnlySpan<byte> Value { get; }
}

/// <summary>Walks the attributes of a message already validated by <see cref="StunMessage.TryRead"/>.</summary>
public ref struct StunAttributeEnumerator
{
    private readonly ReadOnlySpan<byte> _attributes;
    private int _next;
    private StunAttribute _current;

    internal StunAttributeEnumerator(ReadOnlySpan<byte> attributes)
    {
        _attributes = attributes;
        _next = 0;
        _current = default;
    }

    public readonly StunAttribute Current => _current;

    public readonly StunAttributeEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_attributes.Length - _next < StunMessage.AttributeHeaderLength)
        {
            return false;
        }

        var type = (StunAttributeType)BinaryPrimitives.ReadUInt16BigEndian(_attributes.Slice(_next));
        int length = BinaryPrimitives.ReadUInt16BigEndian(_attributes.Slice(_next + 2));
        int valueOffset = _next + StunMessage.AttributeHeaderLength;
        if (length > _attributes.Length - valueOffset)
        {
            return false;
        }

        _current = new StunAttribute(type, _attributes.Slice(valueOffset, length));
        _next = valueOffset + ((length + 3) & ~3);
        return true;
    }
}
