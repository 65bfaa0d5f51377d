namespace CoStream.LoadTest.Client;

/// <summary>
/// A fixed log-linear histogram of microsecond values (exact below 128 µs, then 64 sub-buckets per
/// power of two, ~1.6 % resolution). Recording never allocates. One writer thread; readers copy
/// <see cref="Snapshot"/> (64-bit reads are atomic, so a copy is at worst a few counts behind).
/// </summary>
public sealed class LatencyHistogram
{
    private const int LinearBuckets = 128;   // 0..127 µs exactly
    private const int SubBuckets = 64;
    private const int FirstPower = 7;         // 2^7 = 128
    private const int LastPower = 40;         // ~12 days: anything larger is clamped
    public const int BucketCount = LinearBuckets + ((LastPower - FirstPower + 1) * SubBuckets);

    private readonly long[] _counts = new long[BucketCount];

    public void Record(long microseconds)
    {
        _counts[IndexOf(microseconds)]++;
    }

    public long[] Snapshot() => (long[])_counts.Clone();

    public static int IndexOf(long value)
    {
        if (value < LinearBuckets)
        {
            return value < 0 ? 0 : (int)value;
        }

        int msb = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)value);
        if (msb > LastPower)
        {
            return BucketCount - 1;
        }

        int shift = msb - 6;
        return LinearBuckets + ((msb - FirstPower) * SubBuckets) + (int)((value >> shift) - SubBuckets);
    }

    /// <summary>The highest value that falls in bucket <paramref name="index"/>.</summary>
    public static long UpperBound(int index)
    {
        if (index < LinearBuckets)
        {
            return index;
        }

        int power = ((index - LinearBuckets) / SubBuckets) + FirstPower;
        int sub = (index - LinearBuckets) % SubBuckets;
        int shift = power - 6;
        return ((long)(SubBuckets + sub + 1) << shift) - 1;
    }

    public static long Total(long[] counts)
    {
        long total = 0;
        foreach (long c in counts)
        {
            total += c;
        }

        return total;
    }

    /// <summary>The value at percentile <paramref name="p"/> (0..100), as its bucket's upper bound; -1 when empty.</summary>
    public static long Percentile(long[] counts, double p)
    {
        long total = Total(counts);
        if (total == 0)
        {
            return -1;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(total * p / 100.0));
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return UpperBound(i);
            }
        }

        return UpperBound(counts.Length - 1);
    }

    public static long Max(long[] counts)
    {
        for (int i = counts.Length - 1; i >= 0; i--)
        {
            if (counts[i] != 0)
            {
                return UpperBound(i);
            }
        }

        return -1;
    }

    /// <summary>a += b, bucket by bucket.</summary>
    public static void Add(long[] a, long[] b)
    {
        for (int i = 0; i < a.Length; i++)
        {
            a[i] += b[i];
        }
    }

    /// <summary>a − b, bucket by bucket (a later snapshot minus an earlier one).</summary>
    public static long[] Minus(long[] a, long[] b)
    {
        var result = new long[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            result[i] = a[i] - b[i];
        }

        return result;
    }
}
