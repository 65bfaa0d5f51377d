using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>A list of 32-bit SSRCs (BYE, REMB): a view over received bytes or the caller's values.</summary>
public readonly ref struct SsrcList
{
    private const int EntrySize = 4;
    private readonly ReadOnlySpan<byte> _wire;
    private readonly ReadOnlySpan<uint> _values;
    private readonly bool _isWire;

    public SsrcList(ReadOnlySpan<uint> values)
    {
        _values = values;
        _wire = default;
        _isWire = false;
    }

    private SsrcList(ReadOnlySpan<byte> wire, bool isWire)
    {
        _wire = wire;
        _values = default;
        _isWire = isWire;
    }

    internal static SsrcList FromWire(ReadOnlySpan<byte> wire) => new(wire, true);

    public int Count => _isWire ? _wire.Length / EntrySize : _values.Length;

    public uint this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }

            return _isWire ? BinaryPrimitives.ReadUInt32BigEndian(_wire.Slice(index * EntrySize)) : _values[index];
        }
    }

    internal int ByteLength => Count * EntrySize;

    internal void WriteTo(Span<byte> destination)
    {
        if (_isWire)
        {
            _wire.CopyTo(destination);
            return;
        }

        for (int i = 0; i < _values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(i * EntrySize), _values[i]);
        }
    }

    public Enumerator GetEnumerator() => new(this);

    public ref struct Enumerator
    {
        private readonly SsrcList _list;
        private int _index;

        internal Enumerator(SsrcList list)
        {
            _list = list;
            _index = -1;
        }

        public uint Current => _list[_index];

        public bool MoveNext() => ++_index < _list.Count;
    }
}
