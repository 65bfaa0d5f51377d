using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>One Generic NACK FCI entry (RFC 4585 §6.2.1): a lost packet id and a bitmask of the 16 that follow.</summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |            PID                |             BLP               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Bit i of BLP (least significant = 0) set means PID + i + 1 is lost too.
/// </remarks>
public readonly record struct NackEntry(ushort PacketId, ushort LostBitmask) : IRtcpEntry<NackEntry>
{
    public const int Size = 4;
    /// <summary>Sequence numbers one entry can name: PID and the 16 after it.</summary>
    public const int MaxLostPerEntry = 17;
    private const int PacketIdOffset = 0;
    private const int BitmaskOffset = 2;

    static int IRtcpEntry<NackEntry>.EntrySize => Size;

    static NackEntry IRtcpEntry<NackEntry>.ReadEntry(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt16BigEndian(source.Slice(PacketIdOffset)), BinaryPrimitives.ReadUInt16BigEndian(source.Slice(BitmaskOffset)));

    void IRtcpEntry<NackEntry>.WriteEntry(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(PacketIdOffset), PacketId);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(BitmaskOffset), LostBitmask);
    }

    /// <summary>Number of sequence numbers this entry names (1 + bits set).</summary>
    public int LostCount => 1 + System.Numerics.BitOperations.PopCount(LostBitmask);
}

/// <summary>Expands NACK entries into lost sequence numbers, in entry order, without allocating.</summary>
public ref struct NackLostSequenceEnumerator
{
    private readonly RtcpEntryList<NackEntry> _entries;
    private int _entryIndex;
    private int _bit;
    private NackEntry _entry;
    private ushort _current;

    internal NackLostSequenceEnumerator(RtcpEntryList<NackEntry> entries)
    {
        _entries = entries;
        _entryIndex = -1;
        _bit = 16;
        _entry = default;
        _current = 0;
    }

    public readonly ushort Current => _current;

    public readonly NackLostSequenceEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        while (true)
        {
            if (_bit < 16)
            {
                int bit = _bit++;
                if ((_entry.LostBitmask & (1 << bit)) != 0)
                {
                    _current = (ushort)(_entry.PacketId + bit + 1);
                    return true;
                }

                continue;
            }

            if (++_entryIndex >= _entries.Count)
            {
                return false;
            }

            _entry = _entries[_entryIndex];
            _bit = 0;
            _current = _entry.PacketId;
            return true;
        }
    }
}
