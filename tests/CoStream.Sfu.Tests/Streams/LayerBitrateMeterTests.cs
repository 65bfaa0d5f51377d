using CoStream.Sfu.Streams;

namespace CoStream.Sfu.Tests.Streams;

public sealed class LayerBitrateMeterTests
{
    [Fact]
    public void SteadyStream_MeasuresItsBitrate()
    {
        var meter = new LayerBitrateMeter(layerCount: 3);
        // Layer 1: 1,000 bytes every 10 ms = 800 kbps; layer 2: 1,250 bytes every 5 ms = 2 Mbps.
        for (long t = 0; t < 5000; t++)
        {
            if (t % 10 == 0)
            {
                meter.OnPacket(1, 1000, t);
            }

            if (t % 5 == 0)
            {
                meter.OnPacket(2, 1250, t);
            }
        }

        Assert.InRange(meter.GetBitrate(1, 4999), 790_000, 810_000);
        Assert.InRange(meter.GetBitrate(2, 4999), 1_980_000, 2_020_000);
        Assert.Equal(0, meter.GetBitrate(0, 4999));
    }

    [Fact]
    public void MidBucket_DividesByTheTimeCovered()
    {
        var meter = new LayerBitrateMeter(1);
        for (long t = 0; t <= 4950; t += 10)
        {
            meter.OnPacket(0, 1000, t);
        }

        // Buckets 40..48 (4000..4899: 900 ms, 90 packets) plus 4900..4950 (6 packets) over 951 ms.
        Assert.Equal(96L * 8000 * 1000 / 951, meter.GetBitrate(0, 4950));
    }

    [Fact]
    public void StoppedLayer_DropsToZeroWithinASecond()
    {
        var meter = new LayerBitrateMeter();
        for (long t = 0; t < 2000; t += 10)
        {
            meter.OnPacket(0, 500, t);
        }

        Assert.True(meter.GetBitrate(0, 2000) > 0);
        Assert.True(meter.GetBitrate(0, 2500) > 0);
        Assert.Equal(0, meter.GetBitrate(0, 3000));
    }

    [Fact]
    public void GetBitrates_FillsTheSpan()
    {
        var meter = new LayerBitrateMeter(2);
        meter.OnPacket(0, 1000, 999);
        Span<long> rates = stackalloc long[4];
        Assert.Equal(2, meter.GetBitrates(999, rates));
        Assert.Equal(8000, rates[0]); // 8,000 bits over 1,000 ms
        Assert.Equal(0, rates[1]);
    }

    [Fact]
    public void UnknownLayers_NegativeSizesAndStaleSamples_AreIgnored()
    {
        var meter = new LayerBitrateMeter(2);
        meter.OnPacket(-1, 1000, 0);
        meter.OnPacket(2, 1000, 0);
        meter.OnPacket(0, -1000, 0);
        meter.OnPacket(0, 1000, 5000);
        meter.OnPacket(0, 1000, 4000); // same slot, ten buckets earlier: stale
        Assert.Equal(0, meter.GetBitrate(-1, 0));
        Assert.Equal(0, meter.GetBitrate(2, 0));
        Assert.Equal(0, meter.GetBitrate(0, 0));
        Assert.Equal(8000 * 1000 / 901, meter.GetBitrate(0, 5000));
    }

    [Fact]
    public void HotPath_DoesNotAllocate()
    {
        var meter = new LayerBitrateMeter();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            meter.OnPacket(i % 3, 1200, i);
            meter.GetBitrate(i % 3, i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
