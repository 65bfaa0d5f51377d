using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>
/// Packs status symbols into transport-wide feedback chunks as they come, choosing per chunk between
/// run-length (a run of one symbol), a 14 × 1-bit vector (no large deltas) and a 7 × 2-bit vector.
/// Only the last chunk of a packet may describe more symbols than the packet's status count.
/// </summary>
internal struct TwccChunkEncoder
{
    private const int Large = (int)TwccPacketStatus.ReceivedLargeDelta;
    private ulong _symbols; // pending symbols, 2 bits each, symbol i at bit 2i (only the first 14 kept)
    private int _size;
    private int _first;
    private bool _allSame;
    private bool _hasLarge;

    /// <summary>Chunks already completed.</summary>
    public int EmittedChunks { get; private set; }

    public void Reset()
    {
        _symbols = 0;
        _size = 0;
        _first = 0;
        _allSame = true;
        _hasLarge = false;
        EmittedChunks = 0;
    }

    /// <summary>Chunks the packet would hold if it ended now.</summary>
    public readonly int ChunkCount => EmittedChunks + (_size > 0 ? 1 : 0);

    /// <summary>Chunks the packet would hold if it ended after adding <paramref name="symbol"/>.</summary>
    public readonly int ChunkCountAfter(int symbol) => EmittedChunks + (CanAdd(symbol) ? 1 : 2);

    public void Add(int symbol, Span<byte> chunkArea)
    {
        if (!CanAdd(symbol))
        {
            EmitFull(chunkArea);
        }

        if (_size < TwccChunk.OneBitSymbols)
        {
            _symbols |= (ulong)symbol << (2 * _size);
        }

        if (_size == 0)
        {
            _first = symbol;
            _allSame = true;
        }
        else if (symbol != _first)
        {
            _allSame = false;
        }

        _hasLarge |= symbol == Large;
        _size++;
    }

    /// <summary>Writes the pending symbols as the packet's last chunk.</summary>
    public void Flush(Span<byte> chunkArea)
    {
        if (_size == 0)
        {
            return;
        }

        if (_allSame)
        {
            WriteChunk(chunkArea, RunLength(_first, _size));
        }
        else if (!_hasLarge && _size > TwccChunk.TwoBitSymbols)
        {
            WriteChunk(chunkArea, OneBitVector(_symbols, _size));
        }
        else
        {
            WriteChunk(chunkArea, TwoBitVector(_symbols, Math.Min(_size, TwccChunk.TwoBitSymbols)));
        }

        _symbols = 0;
        _size = 0;
        _hasLarge = false;
        _allSame = true;
    }

    private readonly bool CanAdd(int symbol)
    {
        if (_size < TwccChunk.TwoBitSymbols)
        {
            return true;
        }

        if (_size < TwccChunk.OneBitSymbols && !_hasLarge && symbol != Large)
        {
            return true;
        }

        return _allSame && symbol == _first && _size < TransportWideFeedback.MaxRunLength;
    }

    /// <summary>Completes a chunk from the pending symbols; keeps whatever a 2-bit vector could not take.</summary>
    private void EmitFull(Span<byte> chunkArea)
    {
        if (_allSame)
        {
            WriteChunk(chunkArea, RunLength(_first, _size));
            _symbols = 0;
            _size = 0;
            _hasLarge = false;
            return;
        }

        if (_size == TwccChunk.OneBitSymbols)
        {
            WriteChunk(chunkArea, OneBitVector(_symbols, _size));
            _symbols = 0;
            _size = 0;
            _hasLarge = false;
            _allSame = true;
            return;
        }

        // 7..13 mixed symbols without a large one, and a large one is coming: send 7 as a 2-bit vector.
        WriteChunk(chunkArea, TwoBitVector(_symbols, TwccChunk.TwoBitSymbols));
        _symbols >>= 2 * TwccChunk.TwoBitSymbols;
        _size -= TwccChunk.TwoBitSymbols;
        _first = (int)(_symbols & 0x3);
        _allSame = true;
        _hasLarge = false;
        for (int i = 0; i < _size; i++)
        {
            int s = (int)((_symbols >> (2 * i)) & 0x3);
            _allSame &= s == _first;
            _hasLarge |= s == Large;
        }
    }

    private void WriteChunk(Span<byte> chunkArea, int chunk)
    {
        BinaryPrimitives.WriteUInt16BigEndian(chunkArea.Slice(EmittedChunks * TransportWideFeedback.ChunkSize), (ushort)chunk);
        EmittedChunks++;
    }

    private static int RunLength(int symbol, int length) => (symbol << 13) | length;

    private static int OneBitVector(ulong symbols, int count)
    {
        int chunk = TwccChunk.VectorBit;
        for (int i = 0; i < count; i++)
        {
            chunk |= (int)((symbols >> (2 * i)) & 0x1) << (TwccChunk.OneBitSymbols - 1 - i);
        }

        return chunk;
    }

    private static int TwoBitVector(ulong symbols, int count)
    {
        int chunk = TwccChunk.VectorBit | TwccChunk.TwoBitSymbolsBit;
        for (int i = 0; i < count; i++)
        {
            chunk |= (int)((symbols >> (2 * i)) & 0x3) << (2 * (TwccChunk.TwoBitSymbols - 1 - i));
        }

        return chunk;
    }
}
