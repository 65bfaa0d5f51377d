namespace CoStream.LoadTest.Client;

/// <summary>
/// The last N plain RTP packets sent on one SSRC, by sequence number, to answer NACKs. Written by
/// the sender thread, read by the receive thread, so both take a short lock. Slots are allocated once.
/// </summary>
internal sealed class SendHistory
{
    private readonly object _gate = new();
    private readonly byte[][] _packets;
    private readonly int[] _lengths;
    private readonly int[] _sequences;

    public SendHistory(int capacity, int maxPacketSize)
    {
        _packets = new byte[capacity][];
        _lengths = new int[capacity];
        _sequences = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _packets[i] = new byte[maxPacketSize];
            _sequences[i] = -1;
        }
    }

    public void Store(ushort sequence, ReadOnlySpan<byte> packet)
    {
        int slot = sequence % _packets.Length;
        lock (_gate)
        {
            packet.CopyTo(_packets[slot]);
            _lengths[slot] = packet.Length;
            _sequences[slot] = sequence;
        }
    }

    /// <summary>Copies the packet sent with <paramref name="sequence"/> into <paramref name="destination"/>; 0 if it is gone.</summary>
    public int TryCopy(ushort sequence, Span<byte> destination)
    {
        int slot = sequence % _packets.Length;
        lock (_gate)
        {
            if (_sequences[slot] != sequence)
            {
                return 0;
            }

            _packets[slot].AsSpan(0, _lengths[slot]).CopyTo(destination);
            return _lengths[slot];
        }
    }
}
