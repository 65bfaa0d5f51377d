namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>A fixed-size entry repeated inside an RTCP packet (report block, NACK FCI, FIR FCI).</summary>
public interface IRtcpEntry<TSelf> where TSelf : struct, IRtcpEntry<TSelf>
{
    /// <summary>Wire size of one entry in bytes.</summary>
    static abstract int EntrySize { get; }

    /// <summary>Reads one entry; <paramref name="source"/> holds at least <see cref="EntrySize"/> bytes.</summary>
    static abstract TSelf ReadEntry(ReadOnlySpan<byte> source);

    /// <summary>Writes one entry; <paramref name="destination"/> holds at least <see cref="EntrySize"/> bytes.</summary>
    void WriteEntry(Span<byte> destination);
}

/// <summary>
/// The entries of a packet without copying: either a view over received bytes (decoded on access)
/// or the caller's own values (for writing).
/// </summary>
public readonly ref struct RtcpEntryList<T> where T : struct, IRtcpEntry<T>
{
    private readonly ReadOnlySpan<byte> _wire;
    private readonly ReadOnlySpan<T> _values;
    private readonly bool _isWire;

    /// <summary>Entries given by the caller, for writing.</summary>
    public RtcpEntryList(ReadOnlySpan<T> values)
    {
        _values = values;
        _wire = default;
        _isWire = false;
    }

    private RtcpEntryList(ReadOnlySpan<byte> wire, bool isWire)
    {
        _wire = wire;
        _values = default;
        _isWire = isWire;
    }

    /// <summary>A view over received bytes; the length must be a multiple of the entry size.</summary>
    internal static RtcpEntryList<T> FromWire(ReadOnlySpan<byte> wire) => new(wire, true);

    public int Count => _isWire ? _wire.Length / T.EntrySize : _values.Length;

    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }

            return _isWire ? T.ReadEntry(_wire.Slice(index * T.EntrySize, T.EntrySize)) : _values[index];
        }
    }

    internal int ByteLength => Count * T.EntrySize;

    internal void WriteTo(Span<byte> destination)
    {
        if (_isWire)
        {
            _wire.CopyTo(destination);
            return;
        }

        int size = T.EntrySize;
        for (int i = 0; i < _values.Length; i++)
        {
            _values[i].WriteEntry(destination.Slice(i * size, size));
        }
    }

    public Enumerator GetEnumerator() => new(this);

    public ref struct Enumerator
    {
        private readonly RtcpEntryList<T> _list;
        private int _index;

        internal Enumerator(RtcpEntryList<T> list)
        {
            _list = list;
            _index = -1;
        }

        public T Current => _list[_index];

        public bool MoveNext() => ++_index < _list.Count;
    }
}
