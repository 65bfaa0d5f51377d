using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>Status of one packet in a transport-wide feedback: the 2-bit symbol of the draft.</summary>
public enum TwccPacketStatus : byte
{
    NotReceived = 0,
    /// <summary>Received, delta in one unsigned byte (0 .. 63.75 ms).</summary>
    ReceivedSmallDelta = 1,
    /// <summary>Received, delta in two signed bytes (-8192 .. 8191.75 ms).</summary>
    ReceivedLargeDelta = 2,
}

/// <summary>One packet of a transport-wide feedback.</summary>
/// <param name="Sequence">Transport-wide sequence number.</param>
/// <param name="Status">Whether it arrived, and how its delta is coded.</param>
/// <param name="DeltaTicks">Receive delta from the previous received packet (or the reference time) in 250 µs ticks; 0 if not received.</param>
/// <param name="ArrivalTimeUs">Reference time plus the sum of deltas so far, in µs (the sender's view of the arrival time); for a lost packet, the value of the last one received.</param>
public readonly record struct TwccPacketFeedback(ushort Sequence, TwccPacketStatus Status, int DeltaTicks, long ArrivalTimeUs)
{
    public bool IsReceived => Status != TwccPacketStatus.NotReceived;

    public long DeltaUs => DeltaTicks * TransportWideFeedback.DeltaTickUs;
}

/// <summary>Chunk decoding shared by the reader and the enumerator.</summary>
internal static class TwccChunk
{
    public const int Reserved = 3;
    public const int VectorBit = 0x8000;
    public const int TwoBitSymbolsBit = 0x4000;
    public const int OneBitSymbols = 14;
    public const int TwoBitSymbols = 7;

    /// <summary>Symbols a chunk describes (a run-length chunk may describe 0: invalid).</summary>
    public static int SymbolCount(int chunk)
    {
        if ((chunk & VectorBit) == 0)
        {
            return chunk & TransportWideFeedback.MaxRunLength;
        }

        return (chunk & TwoBitSymbolsBit) == 0 ? OneBitSymbols : TwoBitSymbols;
    }

    /// <summary>Symbol <paramref name="index"/> of a chunk (index below <see cref="SymbolCount"/>).</summary>
    public static int Symbol(int chunk, int index)
    {
        if ((chunk & VectorBit) == 0)
        {
            return (chunk >> 13) & 0x3;
        }

        if ((chunk & TwoBitSymbolsBit) == 0)
        {
            return (chunk >> (OneBitSymbols - 1 - index)) & 0x1;
        }

        return (chunk >> (2 * (TwoBitSymbols - 1 - index))) & 0x3;
    }
}

/// <summary>Yields every packet of a validated <see cref="TransportWideFeedback"/> in sequence order.</summary>
public ref struct TransportWideFeedbackEnumerator
{
    private readonly ReadOnlySpan<byte> _chunks;
    private readonly ReadOnlySpan<byte> _deltas;
    private int _remaining;
    private int _chunkPos;
    private int _chunk;
    private int _symbolIndex;
    private int _symbolCount;
    private int _deltaPos;
    private ushort _sequence;
    private long _arrivalUs;
    private TwccPacketFeedback _current;

    internal TransportWideFeedbackEnumerator(ReadOnlySpan<byte> chunks, ReadOnlySpan<byte> deltas, ushort baseSequence, int statusCount, long referenceTimeUs)
    {
        _chunks = chunks;
        _deltas = deltas;
        _remaining = statusCount;
        _chunkPos = 0;
        _chunk = 0;
        _symbolIndex = 0;
        _symbolCount = 0;
        _deltaPos = 0;
        _sequence = baseSequence;
        _arrivalUs = referenceTimeUs;
        _current = default;
    }

    public readonly TwccPacketFeedback Current => _current;

    public bool MoveNext()
    {
        if (_remaining <= 0)
        {
            return false;
        }

        if (_symbolIndex >= _symbolCount)
        {
            if (_chunks.Length - _chunkPos < TransportWideFeedback.ChunkSize)
            {
                _remaining = 0;
                return false;
            }

            _chunk = BinaryPrimitives.ReadUInt16BigEndian(_chunks.Slice(_chunkPos));
            _chunkPos += TransportWideFeedback.ChunkSize;
            _symbolCount = TwccChunk.SymbolCount(_chunk);
            _symbolIndex = 0;
            if (_symbolCount == 0)
            {
                _remaining = 0;
                return false;
            }
        }

        int symbol = TwccChunk.Symbol(_chunk, _symbolIndex++);
        int delta = 0;
        if (symbol == (int)TwccPacketStatus.ReceivedSmallDelta)
        {
            if (_deltaPos >= _deltas.Length)
            {
                _remaining = 0;
                return false;
            }

            delta = _deltas[_deltaPos++];
        }
        else if (symbol == (int)TwccPacketStatus.ReceivedLargeDelta)
        {
            if (_deltas.Length - _deltaPos < 2)
            {
                _remaining = 0;
                return false;
            }

            delta = BinaryPrimitives.ReadInt16BigEndian(_deltas.Slice(_deltaPos));
            _deltaPos += 2;
        }
        else if (symbol != (int)TwccPacketStatus.NotReceived)
        {
            _remaining = 0;
            return false;
        }

        _arrivalUs += delta * TransportWideFeedback.DeltaTickUs;
        _current = new TwccPacketFeedback(_sequence, (TwccPacketStatus)symbol, delta, _arrivalUs);
        _sequence++;
        _remaining--;
        return true;
    }
}
