using System.Buffers.Binary;

namespace CoStream.LoadTest.Fuzz;

/// <summary>
/// Structure-aware byte mutations of a target's seeds (no coverage feedback): bit flips, bytes and
/// words set to boundary values, length/count fields rewritten (the target says where they are),
/// truncation, extension, insertion and deletion, splicing two seeds, random bytes. One to three
/// mutations are stacked; a few inputs are seeds left as they are, so acceptance is exercised too.
/// </summary>
internal sealed class Mutator
{
    private static readonly byte[] BoundaryBytes = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE];
    private static readonly ushort[] BoundaryWords = [0x0000, 0xFFFF, 0x7FFF, 0x8000, 0x0001, 0xFFFE];

    private readonly FuzzTarget _target;
    private readonly IReadOnlyList<byte[]> _seeds;
    private readonly Random _random;
    private readonly List<LengthField> _fields = new();

    public Mutator(FuzzTarget target, Random random)
    {
        _target = target;
        _seeds = target.Seeds;
        _random = random;
        if (_seeds.Count == 0)
        {
            throw new ArgumentException($"target {target.Name} has no seeds");
        }
    }

    /// <summary>Names of the operations, in the order of <see cref="OperationCounts"/>.</summary>
    public static readonly string[] OperationNames =
    [
        "seed", "bitflip", "boundary-byte", "boundary-word", "length-field", "truncate", "extend",
        "insert", "delete", "duplicate-range", "splice", "random", "random-over-seed-header",
    ];

    public long[] OperationCounts { get; } = new long[OperationNames.Length];

    public byte[] Next()
    {
        byte[]? fresh = _target.NextFreshSeed(_random);
        if (fresh is not null && _random.Next(8) == 0)
        {
            OperationCounts[0]++;
            return fresh;
        }

        byte[] data = (byte[])(fresh ?? Pick()).Clone();
        if (_random.Next(32) == 0)
        {
            OperationCounts[0]++;
            return data;
        }

        int stacked = _random.Next(8) switch { < 5 => 1, < 7 => 2, _ => 3 };
        for (int i = 0; i < stacked; i++)
        {
            data = MutateOnce(data);
        }

        return data;
    }

    private byte[] Pick() => _seeds[_random.Next(_seeds.Count)];

    private byte[] MutateOnce(byte[] data)
    {
        int op = _random.Next(100) switch
        {
            < 14 => 1,
            < 24 => 2,
            < 32 => 3,
            < 50 => 4,
            < 58 => 5,
            < 65 => 6,
            < 70 => 7,
            < 75 => 8,
            < 79 => 9,
            < 87 => 10,
            < 93 => 11,
            _ => 12,
        };
        OperationCounts[op]++;
        switch (op)
        {
            case 1:
                return BitFlip(data);
            case 2:
                return BoundaryByte(data);
            case 3:
                return BoundaryWord(data);
            case 4:
                return RewriteLengthField(data);
            case 5:
                return data.AsSpan(0, _random.Next(data.Length + 1)).ToArray();
            case 6:
                return Extend(data);
            case 7:
                return Insert(data);
            case 8:
                return Delete(data);
            case 9:
                return DuplicateRange(data);
            case 10:
                return Splice(data);
            case 11:
                return RandomBytes(_random.Next(0, _random.Next(2) == 0 ? 64 : 1600));
            default:
            {
                // A seed's first bytes (the header that gets past the first checks) over noise.
                byte[] noise = RandomBytes(_random.Next(0, 400));
                int keep = Math.Min(noise.Length, Math.Min(data.Length, _random.Next(1, 24)));
                data.AsSpan(0, keep).CopyTo(noise);
                return noise;
            }
        }
    }

    private byte[] BitFlip(byte[] data)
    {
        if (data.Length == 0)
        {
            return data;
        }

        for (int bits = _random.Next(1, 9); bits > 0; bits--)
        {
            // Half the flips land in the first 48 bytes, where the headers are.
            int limit = _random.Next(2) == 0 ? Math.Min(48, data.Length) : data.Length;
            data[_random.Next(limit)] ^= (byte)(1 << _random.Next(8));
        }

        return data;
    }

    private byte[] BoundaryByte(byte[] data)
    {
        for (int n = _random.Next(1, 5); n > 0 && data.Length > 0; n--)
        {
            data[_random.Next(data.Length)] = BoundaryBytes[_random.Next(BoundaryBytes.Length)];
        }

        return data;
    }

    private byte[] BoundaryWord(byte[] data)
    {
        if (data.Length < 2)
        {
            return BoundaryByte(data);
        }

        int at = _random.Next(data.Length - 1);
        if (_random.Next(3) == 0 && data.Length >= 4)
        {
            at = _random.Next(data.Length - 3);
            uint value = _random.Next(4) switch { 0 => 0, 1 => uint.MaxValue, 2 => 0x7FFFFFFF, _ => 0x80000000 };
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(at), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(at), BoundaryWords[_random.Next(BoundaryWords.Length)]);
        }

        return data;
    }

    /// <summary>Rewrites one length/count field: to 0, its maximum, off by a little, doubled, halved or random.</summary>
    private byte[] RewriteLengthField(byte[] data)
    {
        _fields.Clear();
        _target.FindLengthFields(data, _fields);
        if (_fields.Count == 0)
        {
            return BoundaryWord(data);
        }

        LengthField field = _fields[_random.Next(_fields.Count)];
        if (field.Offset < 0 || field.Offset + field.Size > data.Length)
        {
            return data;
        }

        Span<byte> at = data.AsSpan(field.Offset, field.Size);
        uint raw = 0;
        foreach (byte b in at)
        {
            raw = (raw << 8) | b;
        }

        uint mask = field.Mask & (field.Size >= 4 ? uint.MaxValue : (1u << (8 * field.Size)) - 1);
        int shift = System.Numerics.BitOperations.TrailingZeroCount(mask);
        uint current = (raw & mask) >> shift;
        uint max = mask >> shift;
        uint value = _random.Next(7) switch
        {
            0 => 0,
            1 => max,
            2 => current + (uint)_random.Next(1, 5),
            3 => current - (uint)_random.Next(1, 5),
            4 => current * 2,
            5 => current / 2,
            _ => (uint)_random.Next(),
        };
        raw = (raw & ~mask) | ((value << shift) & mask);
        for (int i = field.Size - 1; i >= 0; i--)
        {
            at[i] = (byte)raw;
            raw >>= 8;
        }

        return data;
    }

    private byte[] Extend(byte[] data)
    {
        int extra = _random.Next(1, _random.Next(2) == 0 ? 16 : 512);
        byte[] longer = new byte[data.Length + extra];
        data.CopyTo(longer, 0);
        switch (_random.Next(3))
        {
            case 0:
                _random.NextBytes(longer.AsSpan(data.Length));
                break;
            case 1:
                longer.AsSpan(data.Length).Fill(BoundaryBytes[_random.Next(BoundaryBytes.Length)]);
                break;
            default: // the input repeated
                for (int i = data.Length; i < longer.Length && data.Length > 0; i++)
                {
                    longer[i] = data[i % data.Length];
                }

                break;
        }

        return longer;
    }

    private byte[] Insert(byte[] data)
    {
        int at = _random.Next(data.Length + 1);
        byte[] inserted = RandomBytes(_random.Next(1, 9));
        return [.. data.AsSpan(0, at), .. inserted, .. data.AsSpan(at)];
    }

    private byte[] Delete(byte[] data)
    {
        if (data.Length == 0)
        {
            return data;
        }

        int at = _random.Next(data.Length);
        int count = Math.Min(data.Length - at, _random.Next(1, 9));
        return [.. data.AsSpan(0, at), .. data.AsSpan(at + count)];
    }

    private byte[] DuplicateRange(byte[] data)
    {
        if (data.Length == 0)
        {
            return data;
        }

        int from = _random.Next(data.Length);
        int count = Math.Min(data.Length - from, _random.Next(1, 33));
        int to = _random.Next(data.Length + 1);
        return [.. data.AsSpan(0, to), .. data.AsSpan(from, count), .. data.AsSpan(to)];
    }

    /// <summary>Head of this input, tail of another seed; or the two glued whole.</summary>
    private byte[] Splice(byte[] data)
    {
        byte[] other = Pick();
        if (_random.Next(3) == 0)
        {
            return [.. data, .. other];
        }

        int cut = _random.Next(data.Length + 1);
        int from = _random.Next(other.Length + 1);
        return [.. data.AsSpan(0, cut), .. other.AsSpan(from)];
    }

    private byte[] RandomBytes(int length)
    {
        byte[] bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }
}
