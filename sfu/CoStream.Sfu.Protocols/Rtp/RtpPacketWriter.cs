using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtp;

/// <summary>Which RFC 8285 element form a <see cref="RtpPacketWriter"/> uses.</summary>
public enum RtpExtensionForm
{
    /// <summary>Profile 0xBEDE: ids 1..14, values 1..16 bytes.</summary>
    OneByte,

    /// <summary>Profile 0x1000: ids 1..255, values 0..255 bytes.</summary>
    TwoByte,
}

/// <summary>
/// Builds an RTP packet (RFC 3550 §5.1, RFC 8285 extensions) directly into a caller's buffer,
/// without allocating. Order of calls: constructor, <see cref="AddCsrc"/>*, <see cref="AddExtension"/>*,
/// then <see cref="Complete"/> once, which returns the packet length. Misuse (buffer too small,
/// bad id, wrong order) is a programming error and throws; this type never sees network input.
/// </summary>
/// <remarks>
/// Used by tests and by the load tester to generate media. The header layout is documented on
/// <see cref="RtpHeader"/>.
/// </remarks>
public ref struct RtpPacketWriter
{
    private readonly Span<byte> _buffer;
    private readonly RtpExtensionForm _form;
    private int _offset;
    private int _csrcCount;
    private int _extensionStart; // offset of the 4-byte extension header; -1 while none
    private bool _completed;

    public RtpPacketWriter(
        Span<byte> destination, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc,
        bool marker = false, RtpExtensionForm extensionForm = RtpExtensionForm.OneByte)
    {
        if (destination.Length < RtpHeader.FixedHeaderSize)
        {
            throw new ArgumentException("Destination is smaller than the RTP fixed header.", nameof(destination));
        }

        if (payloadType > RtpHeader.PayloadTypeMask)
        {
            throw new ArgumentOutOfRangeException(nameof(payloadType), "RTP payload type is 7 bits.");
        }

        _buffer = destination;
        _form = extensionForm;
        _buffer[RtpHeader.FirstByteOffset] = RtpHeader.Version << RtpHeader.VersionShift;
        _buffer[RtpHeader.SecondByteOffset] = (byte)((marker ? RtpHeader.MarkerBit : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(RtpHeader.SequenceNumberOffset), sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(RtpHeader.TimestampOffset), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(RtpHeader.SsrcOffset), ssrc);
        _offset = RtpHeader.FixedHeaderSize;
        _csrcCount = 0;
        _extensionStart = -1;
        _completed = false;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _offset;

    public void AddCsrc(uint csrc)
    {
        EnsureOpen();
        if (_extensionStart >= 0)
        {
            throw new InvalidOperationException("CSRCs precede the header extension; add them first.");
        }

        if (_csrcCount == RtpHeader.MaxCsrcCount)
        {
            throw new InvalidOperationException("At most 15 CSRCs.");
        }

        EnsureRoom(RtpHeader.CsrcSize);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(_offset), csrc);
        _offset += RtpHeader.CsrcSize;
        _csrcCount++;
    }

    /// <summary>Appends one RFC 8285 element in the form chosen at construction.</summary>
    public void AddExtension(int id, scoped ReadOnlySpan<byte> value)
    {
        EnsureOpen();
        int elementHeader;
        if (_form == RtpExtensionForm.OneByte)
        {
            if (id < RtpHeaderExtensions.OneByteMinId || id > RtpHeaderExtensions.OneByteMaxId)
            {
                throw new ArgumentOutOfRangeException(nameof(id), "One-byte extension ids are 1..14.");
            }

            if (value.Length < 1 || value.Length > RtpHeaderExtensions.OneByteMaxValueLength)
            {
                throw new ArgumentOutOfRangeException(nameof(value), "One-byte extension values are 1..16 bytes.");
            }

            elementHeader = RtpHeaderExtensions.OneByteElementHeaderSize;
        }
        else
        {
            if (id < 1 || id > RtpHeaderExtensions.TwoByteMaxId)
            {
                throw new ArgumentOutOfRangeException(nameof(id), "Two-byte extension ids are 1..255.");
            }

            if (value.Length > RtpHeaderExtensions.TwoByteMaxValueLength)
            {
                throw new ArgumentOutOfRangeException(nameof(value), "Two-byte extension values are 0..255 bytes.");
            }

            elementHeader = RtpHeaderExtensions.TwoByteElementHeaderSize;
        }

        StartExtension();
        EnsureRoom(elementHeader + value.Length);
        if (_form == RtpExtensionForm.OneByte)
        {
            _buffer[_offset] = (byte)((id << 4) | (value.Length - 1));
        }
        else
        {
            _buffer[_offset] = (byte)id;
            _buffer[_offset + 1] = (byte)value.Length;
        }

        value.CopyTo(_buffer.Slice(_offset + elementHeader));
        _offset += elementHeader + value.Length;
    }

    /// <summary>Inserts zero padding bytes between elements (RFC 8285 allows them anywhere).</summary>
    public void AddExtensionPadding(int count)
    {
        EnsureOpen();
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        StartExtension();
        EnsureRoom(count);
        _buffer.Slice(_offset, count).Clear();
        _offset += count;
    }

    /// <summary>
    /// Pads the extension body to 32 bits, writes the payload and <paramref name="paddingLength"/>
    /// RTP padding bytes (the last one holding the count, RFC 3550 §5.1), and returns the packet length.
    /// </summary>
    public int Complete(scoped ReadOnlySpan<byte> payload, int paddingLength = 0)
    {
        EnsureOpen();
        if (paddingLength < 0 || paddingLength > byte.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(paddingLength), "RTP padding is 0..255 bytes.");
        }

        byte first = (byte)((RtpHeader.Version << RtpHeader.VersionShift) | _csrcCount);
        if (_extensionStart >= 0)
        {
            int bodyStart = _extensionStart + RtpHeader.ExtensionHeaderSize;
            int align = (4 - ((_offset - bodyStart) & 3)) & 3;
            EnsureRoom(align);
            _buffer.Slice(_offset, align).Clear();
            _offset += align;
            ushort profile = _form == RtpExtensionForm.OneByte
                ? RtpHeaderExtensions.OneByteProfile
                : RtpHeaderExtensions.TwoByteProfile;
            BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(_extensionStart), profile);
            BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(_extensionStart + 2), (ushort)((_offset - bodyStart) / 4));
            first |= RtpHeader.ExtensionBit;
        }

        EnsureRoom(payload.Length + paddingLength);
        payload.CopyTo(_buffer.Slice(_offset));
        _offset += payload.Length;
        if (paddingLength > 0)
        {
            _buffer.Slice(_offset, paddingLength - 1).Clear();
            _buffer[_offset + paddingLength - 1] = (byte)paddingLength;
            _offset += paddingLength;
            first |= RtpHeader.PaddingBit;
        }

        _buffer[RtpHeader.FirstByteOffset] = first;
        _completed = true;
        return _offset;
    }

    private void StartExtension()
    {
        if (_extensionStart >= 0)
        {
            return;
        }

        EnsureRoom(RtpHeader.ExtensionHeaderSize);
        _extensionStart = _offset;
        _offset += RtpHeader.ExtensionHeaderSize;
    }

    private readonly void EnsureRoom(int count)
    {
        if (_offset + count > _buffer.Length)
        {
            throw new ArgumentException("Destination is too small for this RTP packet.");
        }
    }

    private readonly void EnsureOpen()
    {
        if (_completed)
        {
            throw new InvalidOperationException("The packet is already complete.");
        }
    }
}
