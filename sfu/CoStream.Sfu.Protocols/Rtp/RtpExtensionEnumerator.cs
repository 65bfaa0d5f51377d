namespace CoStream.Sfu.Protocols.Rtp;

/// <summary>One RFC 8285 element: its id and where its value sits in the packet.</summary>
public readonly ref struct RtpExtensionElement
{
    public RtpExtensionElement(int id, int valueOffset, ReadOnlySpan<byte> value)
    {
        Id = id;
        ValueOffset = valueOffset;
        Value = value;
    }

    public int Id { get; }

    /// <summary>Offset of the value from the start of the packet.</summary>
    public int ValueOffset { get; }

    public int ValueLength => Value.Length;

    /// <summary>The value as a slice of the packet.</summary>
    public ReadOnlySpan<byte> Value { get; }
}

/// <summary>
/// Walks the elements of a packet's header extension (one-byte or two-byte form), skipping
/// padding. Stops at the end of the body, at a one-byte ID 15 (RFC 8285 §4.2: processing
/// terminates there, earlier elements stand), or at malformed input, whose reason is then in
/// <see cref="Error"/>. Allocates nothing.
/// </summary>
public ref struct RtpExtensionEnumerator
{
    private readonly ReadOnlySpan<byte> _packet;
    private readonly int _end;
    private readonly bool _twoByte;
    private int _offset;
    private bool _done;

    internal RtpExtensionEnumerator(ReadOnlySpan<byte> packet, in RtpHeader header)
    {
        _packet = packet;
        _offset = header.ExtensionOffset;
        _end = header.ExtensionOffset + header.ExtensionLength;
        _twoByte = false;
        _done = false;
        Current = default;
        Error = RtpError.None;

        if (!header.HasExtension)
        {
            _done = true;
        }
        else if (RtpHeaderExtensions.IsOneByteProfile(header.ExtensionProfile))
        {
            _twoByte = false;
        }
        else if (RtpHeaderExtensions.IsTwoByteProfile(header.ExtensionProfile))
        {
            _twoByte = true;
        }
        else
        {
            _done = true;
            Error = RtpError.ExtensionUnknownProfile;
        }

        if (!_done && (uint)_end > (uint)packet.Length)
        {
            // The header does not belong to this packet.
            _done = true;
            Error = RtpError.ExtensionBodyOutOfBounds;
        }
    }

    public RtpExtensionElement Current { get; private set; }

    /// <summary><see cref="RtpError.None"/> unless enumeration stopped on malformed input.</summary>
    public RtpError Error { get; private set; }

    public readonly RtpExtensionEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_done)
        {
            return false;
        }

        while (_offset < _end && _packet[_offset] == RtpHeaderExtensions.PaddingByte)
        {
            _offset++;
        }

        if (_offset >= _end)
        {
            return Stop(RtpError.None);
        }

        int id;
        int length;
        int valueOffset;
        if (_twoByte)
        {
            id = _packet[_offset];
            if (_offset + RtpHeaderExtensions.TwoByteElementHeaderSize > _end)
            {
                return Stop(RtpError.ExtensionElementOutOfBounds);
            }

            length = _packet[_offset + 1];
            valueOffset = _offset + RtpHeaderExtensions.TwoByteElementHeaderSize;
        }
        else
        {
            byte b = _packet[_offset];
            id = b >> 4;
            if (id == RtpHeaderExtensions.OneByteReservedId)
            {
                return Stop(RtpError.None);
            }

            if (id == 0)
            {
                return Stop(RtpError.ExtensionInvalidId);
            }

            length = (b & 0x0F) + 1;
            valueOffset = _offset + RtpHeaderExtensions.OneByteElementHeaderSize;
        }

        if (valueOffset + length > _end)
        {
            return Stop(RtpError.ExtensionElementOutOfBounds);
        }

        Current = new RtpExtensionElement(id, valueOffset, _packet.Slice(valueOffset, length));
        _offset = valueOffset + length;
        return true;
    }

    private bool Stop(RtpError error)
    {
        _done = true;
        Error = error;
        Current = default;
        return false;
    }
}
