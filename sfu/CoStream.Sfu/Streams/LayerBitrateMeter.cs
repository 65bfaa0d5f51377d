namespace CoStream.Sfu.Streams;

/// <summary>
/// Measures the bitrate of each simulcast layer of a publisher over a sliding window of about
/// one second, from the bytes the SFU receives per layer.
/// </summary>
/// <remarks>
/// The window is ten 100 ms buckets per layer; the bitrate is the bytes in the last ten buckets
/// (the current one partly filled) divided by the time they cover (900 ms plus the elapsed part of
/// the current bucket). A layer with no packet in the window measures 0 bps, which the
/// <see cref="SimulcastLayerSelector"/> reads as "not being sent". During the first second the
/// meter underestimates (it divides by the full window): a safe direction for layer selection.
/// Unknown layer indexes and negative sizes are ignored.
/// </remarks>
public sealed class LayerBitrateMeter
{
    public const int BucketMs = 100;
    public const int BucketCount = 10;
    public const int MaxLayerCount = 16;

    private readonly long[] _bytes;
    private readonly long[] _bucketIds;

    public LayerBitrateMeter(int layerCount = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layerCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(layerCount, MaxLayerCount);
        LayerCount = layerCount;
        _bytes = new long[layerCount * BucketCount];
        _bucketIds = new long[layerCount * BucketCount];
        Array.Fill(_bucketIds, -1);
    }

    public int LayerCount { get; }

    /// <summary>Counts a received packet of <paramref name="bytes"/> bytes on <paramref name="layer"/>.</summary>
    public void OnPacket(int layer, int bytes, long nowMs)
    {
        if ((uint)layer >= (uint)LayerCount || bytes <= 0)
        {
            return;
        }

        long id = Math.Max(0, nowMs) / BucketMs;
        int index = layer * BucketCount + (int)(id % BucketCount);
        if (_bucketIds[index] != id)
        {
            if (_bucketIds[index] > id)
            {
                return; // the clock went back past this bucket: the sample is stale
            }

            _bucketIds[index] = id;
            _bytes[index] = 0;
        }

        _bytes[index] += bytes;
    }

    /// <summary>The layer's bitrate in bits per second over the last second (0 for unknown layers).</summary>
    public long GetBitrate(int layer, long nowMs)
    {
        if ((uint)layer >= (uint)LayerCount)
        {
            return 0;
        }

        long now = Math.Max(0, nowMs);
        long current = now / BucketMs;
        long total = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            int index = layer * BucketCount + i;
            long id = _bucketIds[index];
            if (id <= current && id > current - BucketCount)
            {
                total += _bytes[index];
            }
        }

        long spanMs = (BucketCount - 1) * BucketMs + now % BucketMs + 1;
        return total * 8 * 1000 / spanMs;
    }

    /// <summary>Writes every layer's bitrate into <paramref name="destination"/> (as many as fit); returns how many.</summary>
    public int GetBitrates(long nowMs, Span<long> destination)
    {
        int count = Math.Min(LayerCount, destination.Length);
        for (int layer = 0; layer < count; layer++)
        {
            destination[layer] = GetBitrate(layer, nowMs);
        }

        return count;
    }
}
