using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CoStream.Sfu.Protocols.Stun;

/// <summary>The 96-bit transaction id of a STUN message (RFC 5389 §6), held by value.</summary>
public readonly struct StunTransactionId : IEquatable<StunTransactionId>
{
    public const int Length = 12;

    private readonly ulong _high;  // bytes 0..7, big-endian
    private readonly uint _low;    // bytes 8..11, big-endian

    /// <summary>Copies 12 bytes; throws if <paramref name="bytes"/> is not exactly 12 bytes long.</summary>
    public StunTransactionId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException("A STUN transaction id is 12 bytes.", nameof(bytes));
        }

        _high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _low = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(8));
    }

    /// <summary>A new id from the cryptographic random generator (RFC 5389 §6 asks for uniform randomness).</summary>
    public static StunTransactionId NewRandom()
    {
        Span<byte> bytes = stackalloc byte[Length];
        RandomNumberGenerator.Fill(bytes);
        return new StunTransactionId(bytes);
    }

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(8, 4), _low);
    }

    public bool Equals(StunTransactionId other) => _high == other._high && _low == other._low;

    public override bool Equals(object? obj) => obj is StunTransactionId other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_high, _low);

    public static bool operator ==(StunTransactionId left, StunTransactionId right) => left.Equals(right);

    public static bool operator !=(StunTransactionId left, StunTransactionId right) => !left.Equals(right);

    public override string ToString() => $"{_high:x16}{_low:x8}";
}
