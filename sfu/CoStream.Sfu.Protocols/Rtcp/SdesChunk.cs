using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>SDES item types (RFC 3550 §6.5.1–§6.5.8).</summary>
public enum SdesItemType : byte
{
    End = 0,
    Cname = 1,
    Name = 2,
    Email = 3,
    Phone = 4,
    Location = 5,
    Tool = 6,
    Note = 7,
    Private = 8,
}

/// <summary>One SDES item: its type and its text (UTF-8), a slice of the input.</summary>
public readonly ref struct SdesItem
{
    public SdesItem(SdesItemType type, ReadOnlySpan<byte> text)
    {
        Type = type;
        Text = text;
    }

    public SdesItemType Type { get; }

    public ReadOnlySpan<byte> Text { get; }
}

/// <summary>One SDES chunk: an SSRC/CSRC and its items.</summary>
public readonly ref struct SdesChunk
{
    private readonly ReadOnlySpan<byte> _items;
    private readonly ReadOnlySpan<byte> _cname;
    private readonly bool _isCnameOnly;

    internal SdesChunk(uint ssrc, ReadOnlySpan<byte> items)
    {
        Ssrc = ssrc;
        _items = items;
        _cname = default;
        _isCnameOnly = false;
    }

    internal SdesChunk(uint ssrc, ReadOnlySpan<byte> cname, bool isCnameOnly)
    {
        Ssrc = ssrc;
        _items = default;
        _cname = cname;
        _isCnameOnly = isCnameOnly;
    }

    public uint Ssrc { get; }

    public SdesItemEnumerator GetEnumerator() => _isCnameOnly ? new SdesItemEnumerator(_cname) : new SdesItemEnumerator(_items, false);

    /// <summary>Finds the CNAME item of this chunk.</summary>
    public bool TryGetCname(out ReadOnlySpan<byte> cname)
    {
        foreach (var item in this)
        {
            if (item.Type == SdesItemType.Cname)
            {
                cname = item.Text;
                return true;
            }
        }

        cname = default;
        return false;
    }
}

/// <summary>Enumerates the items of one chunk (stops at END or at the end of the bytes).</summary>
public ref struct SdesItemEnumerator
{
    private readonly ReadOnlySpan<byte> _items;
    private readonly bool _isSingleCname;
    private int _pos;
    private SdesItem _current;

    internal SdesItemEnumerator(ReadOnlySpan<byte> items, bool isSingleCname)
    {
        _items = items;
        _isSingleCname = isSingleCname;
        _pos = 0;
        _current = default;
    }

    internal SdesItemEnumerator(ReadOnlySpan<byte> cname)
        : this(cname, true)
    {
    }

    public readonly SdesItem Current => _current;

    public readonly SdesItemEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_isSingleCname)
        {
            if (_pos != 0)
            {
                return false;
            }

            _pos = 1;
            _current = new SdesItem(SdesItemType.Cname, _items);
            return true;
        }

        if (_items.Length - _pos < SourceDescription.ItemHeaderSize || _items[_pos] == (byte)SdesItemType.End)
        {
            return false;
        }

        int length = _items[_pos + 1];
        if (_items.Length - _pos - SourceDescription.ItemHeaderSize < length)
        {
            return false;
        }

        _current = new SdesItem((SdesItemType)_items[_pos], _items.Slice(_pos + SourceDescription.ItemHeaderSize, length));
        _pos += SourceDescription.ItemHeaderSize + length;
        return true;
    }
}

/// <summary>Enumerates the chunks of a validated SDES packet.</summary>
public ref struct SdesChunkEnumerator
{
    private readonly ReadOnlySpan<byte> _chunks;
    private readonly int _count;
    private readonly uint _cnameSsrc;
    private readonly bool _isSingleCname;
    private int _pos;
    private int _index;
    private SdesChunk _current;

    internal SdesChunkEnumerator(ReadOnlySpan<byte> chunks, int count)
    {
        _chunks = chunks;
        _count = count;
        _cnameSsrc = 0;
        _isSingleCname = false;
        _pos = 0;
        _index = 0;
        _current = default;
    }

    internal SdesChunkEnumerator(uint ssrc, ReadOnlySpan<byte> cname)
    {
        _chunks = cname;
        _count = 1;
        _cnameSsrc = ssrc;
        _isSingleCname = true;
        _pos = 0;
        _index = 0;
        _current = default;
    }

    public readonly SdesChunk Current => _current;

    public readonly SdesChunkEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_index >= _count)
        {
            return false;
        }

        _index++;
        if (_isSingleCname)
        {
            _current = new SdesChunk(_cnameSsrc, _chunks, true);
            return true;
        }

        if (_chunks.Length - _pos < SourceDescription.SsrcSize)
        {
            _index = _count;
            return false;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(_chunks.Slice(_pos));
        int itemsStart = _pos + SourceDescription.SsrcSize;
        int pos = itemsStart;
        while (pos < _chunks.Length && _chunks[pos] != (byte)SdesItemType.End)
        {
            pos += SourceDescription.ItemHeaderSize + (pos + 1 < _chunks.Length ? _chunks[pos + 1] : 0);
        }

        int itemsEnd = Math.Min(pos, _chunks.Length);
        _current = new SdesChunk(ssrc, _chunks.Slice(itemsStart, itemsEnd - itemsStart));
        _pos = Math.Min(RtcpPacket.Align4(itemsEnd + 1), _chunks.Length);
        return true;
    }
}
