using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace CoStream.Sfu.Protocols.Srtp;

/// <summary>
/// AES in counter mode as SRTP uses it (RFC 3711 §4.1.1): keystream block i is E(k, IV + i),
/// XORed onto the data. Also the PRF of the key derivation (§4.3.3).
/// </summary>
/// <remarks>
/// The counter blocks are encrypted with an ECB <see cref="ICryptoTransform"/> over arrays
/// allocated once per instance: <c>Aes.EncryptEcb</c> allocates a native handle per call
/// (~64 bytes measured on .NET 10 / Linux), TransformBlock on a kept encryptor allocates nothing.
/// The IV + i addition is done on the low 32 bits: SRTP IVs have their low 16 bits zero and a
/// packet never needs 2^16 blocks, so no carry can leave those 32 bits.
/// </remarks>
internal sealed class AesCounterMode : IDisposable
{
    internal const int BlockSize = 16;
    private const int ChunkBlocks = 64;
    private const int CounterOffset = 12;

    private readonly Aes _aes;
    private readonly ICryptoTransform _encryptor;
    private readonly byte[] _counters = new byte[ChunkBlocks * BlockSize];
    private readonly byte[] _keystream = new byte[ChunkBlocks * BlockSize];

    public AesCounterMode(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _aes.Key = key.ToArray();
        _encryptor = _aes.CreateEncryptor();
    }

    /// <summary>XORs the keystream that starts at <paramref name="iv"/> (16 bytes) onto <paramref name="data"/>.</summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        uint counter = BinaryPrimitives.ReadUInt32BigEndian(iv.Slice(CounterOffset));
        for (int offset = 0; offset < data.Length;)
        {
            int chunk = Math.Min(data.Length - offset, _counters.Length);
            int blocks = (chunk + BlockSize - 1) / BlockSize;
            for (int b = 0; b < blocks; b++)
            {
                Span<byte> block = _counters.AsSpan(b * BlockSize, BlockSize);
                iv.Slice(0, CounterOffset).CopyTo(block);
                BinaryPrimitives.WriteUInt32BigEndian(block.Slice(CounterOffset), counter++);
            }

            _encryptor.TransformBlock(_counters, 0, blocks * BlockSize, _keystream, 0);
            Xor(data.Slice(offset, chunk), _keystream);
            offset += chunk;
        }
    }

    internal static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= data.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Span<byte> target = data.Slice(i);
                (new Vector<byte>(target) ^ new Vector<byte>(keystream.Slice(i))).CopyTo(target);
            }
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }

    public void Dispose()
    {
        _encryptor.Dispose();
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_keystream);
    }
}
